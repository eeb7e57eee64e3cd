package fallback

import (
	"errors"
	"net/http"
	"strconv"

	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/internal/respwriter"
)

// Config configures the degradation middleware. At least one of Cache and Fallback is
// required.
type Config struct {
	// Cache, if set, records good responses and serves the last one for the URL first.
	Cache *Cache
	// Fallback answers when there is no cached response: a Static, or a handler proxying
	// to another service. Caveat for a service: the request body has been sent to the
	// failed upstream already, so only requests without a body (GET, HEAD, DELETE) reach
	// Fallback with their body intact.
	Fallback http.Handler
	// IsFailure classifies the upstream's status (default: status >= 500).
	IsFailure func(status int) bool
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns the degradation middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Cache == nil && cfg.Fallback == nil {
		return nil, errNoFallback
	}
	if cfg.IsFailure == nil {
		cfg.IsFailure = func(status int) bool { return status >= 500 }
	}
	return &middleware{next: next, cfg: cfg}, nil
}

var errNoFallback = errors.New("fallback: Cache or Fallback is required")

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ic := respwriter.NewInterceptor(w, m.cfg.IsFailure)
	var out http.ResponseWriter = ic
	var t *tee
	if m.cfg.Cache != nil && cacheableRequest(r) {
		t = &tee{ResponseWriter: ic, limit: m.cfg.Cache.cfg.MaxBodyBytes}
		out = t
	}
	m.next.ServeHTTP(out, r)
	ic.Finish()
	if !ic.Intercepted() {
		if t != nil && !t.overflow && r.Context().Err() == nil {
			m.cfg.Cache.store(r, t.status, t.header, t.buf.Bytes())
		}
		return
	}
	m.degrade(w, r, ic)
}

// degrade answers for a failed upstream: the cache, then Fallback, then the upstream's
// status with a plain message (its own body was already discarded).
func (m *middleware) degrade(w http.ResponseWriter, r *http.Request, failed *respwriter.Interceptor) {
	reason := failed.Header().Get(reply.DegradedHeader) // set by an inner breaker
	if reason == "" {
		reason = "upstream-" + strconv.Itoa(failed.Status())
	}
	w.Header().Set(reply.DegradedHeader, reason)
	if m.cfg.Cache != nil && m.cfg.Cache.serve(w, r) {
		return
	}
	if m.cfg.Fallback != nil {
		m.cfg.Fallback.ServeHTTP(w, r)
		return
	}
	reply.Error(w, failed.Status(), http.StatusText(failed.Status()))
}
