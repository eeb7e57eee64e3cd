// Package timeout bounds how long a request may take. When the deadline passes before
// the handler has started its response, the client gets 504 Gateway Timeout at once.
//
// The handler runs on a goroutine of its own with a context that ends at the deadline;
// a reverse proxy honours it and gives up on the upstream. Its writes go through a
// guard: once the 504 is sent, every later write from the handler is refused with
// http.ErrHandlerTimeout, so nothing reaches the ResponseWriter after ServeHTTP has
// returned (the bug the course's hystrix middleware had).
//
// Streaming: once the handler has written its status, the response is the handler's.
// The deadline still cancels its context, which ends a proxied stream (SSE, a long
// download) at that point, so do not put a short timeout on streaming routes. The guard
// cannot hijack, so WebSocket upgrades do not work behind this middleware; route them
// around it. Response trailers are not passed through either.
package timeout

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"gatewaylab/07-middleware/internal/reply"
)

// Config configures the middleware.
type Config struct {
	// Timeout is the deadline for the whole request. Required.
	Timeout time.Duration
	// Logger receives panics that happen after the 504 was sent (default slog.Default()).
	Logger *slog.Logger
}

type middleware struct {
	next    http.Handler
	timeout time.Duration
	log     *slog.Logger
}

// New returns the timeout middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("timeout: Timeout must be positive, got %v", cfg.Timeout)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &middleware{next: next, timeout: cfg.Timeout, log: cfg.Logger}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), m.timeout)
	defer cancel()
	g := &guard{w: w, header: make(http.Header)}
	done := make(chan any, 1) // the handler's panic value, or nil
	go m.run(g, r.WithContext(ctx), done)

	select {
	case p := <-done:
		repanic(p)
	case <-ctx.Done():
		if g.expire() {
			return // the 504 is out; the handler's goroutine can no longer write
		}
		repanic(<-done) // the handler had started its response: let it finish it
	}
}

// run serves the request on its own goroutine and reports how it ended.
func (m *middleware) run(g *guard, r *http.Request, done chan<- any) {
	defer func() {
		p := recover()
		if p != nil && p != http.ErrAbortHandler { //nolint:errorlint // compared by identity, as net/http does
			p = fmt.Sprintf("%v\n\n%s", p, debug.Stack())
			if g.hasExpired() {
				m.log.Error("panic after timeout", "path", r.URL.Path, "panic", p)
			}
		}
		done <- p
	}()
	m.next.ServeHTTP(g, r)
}

func repanic(p any) {
	if p != nil {
		panic(p)
	}
}

// guard serialises the handler's writes with the timeout's 504.
type guard struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	header  http.Header // the handler's own map: the real one is touched only under mu
	wrote   bool
	expired bool
}

// expire sends the 504 unless the handler has already started its response; it reports
// whether it did.
func (g *guard) expire() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.wrote {
		return false
	}
	g.expired = true
	reply.Error(g.w, http.StatusGatewayTimeout, "gateway timeout")
	return true
}

func (g *guard) hasExpired() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.expired
}

func (g *guard) Header() http.Header { return g.header }

func (g *guard) WriteHeader(code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.writeHeaderLocked(code)
}

func (g *guard) writeHeaderLocked(code int) {
	if g.expired || g.wrote {
		return
	}
	dst := g.w.Header()
	for k, v := range g.header {
		dst[k] = v
	}
	g.w.WriteHeader(code)
	if code >= 200 {
		g.wrote = true
	}
}

func (g *guard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.expired {
		return 0, http.ErrHandlerTimeout
	}
	if !g.wrote {
		g.writeHeaderLocked(http.StatusOK)
	}
	return g.w.Write(p)
}

func (g *guard) Flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.expired {
		return
	}
	if !g.wrote {
		g.writeHeaderLocked(http.StatusOK)
	}
	_ = http.NewResponseController(g.w).Flush() // an unflushable writer is not an error here
}
