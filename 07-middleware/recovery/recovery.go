// Package recovery turns a panic in a handler into a logged error and a 500, so one bad
// request cannot take the gateway down. The client sees "internal server error" and
// nothing else: the course returned the raw panic text (and a stack on ?is_debug=1) to
// anyone who asked.
package recovery

import (
	"log/slog"
	"net/http"
	"runtime/debug"

	"gatewaylab/04-proxy/statuswriter"
	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/requestid"
)

// Config configures the middleware.
type Config struct {
	// Logger receives the panic value and stack (default slog.Default()).
	Logger *slog.Logger
}

type middleware struct {
	next http.Handler
	log  *slog.Logger
}

// New returns a middleware that recovers panics from next.
//
// http.ErrAbortHandler is re-panicked untouched: it is how a handler (the reverse proxy
// among them) asks net/http to abort the connection, and net/http does so without
// logging. A panic after the response has started is turned into ErrAbortHandler too:
// the client must see a broken response, not a complete-looking truncated one.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &middleware{next: next, log: cfg.Logger}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := statuswriter.New(w)
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler { //nolint:errorlint // net/http compares it the same way
			panic(p)
		}
		m.log.Error("panic serving request",
			"panic", p, "method", r.Method, "path", r.URL.Path,
			"request_id", requestid.From(r.Context()), "stack", string(debug.Stack()))
		if rec.Written() {
			panic(http.ErrAbortHandler)
		}
		reply.Error(w, http.StatusInternalServerError, "internal server error")
	}()
	m.next.ServeHTTP(rec, r)
}
