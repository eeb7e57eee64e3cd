package breaker

import (
	"context"
	"errors"
	"net/http"
	"time"

	"gatewaylab/04-proxy/statuswriter"
	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/internal/respwriter"
)

// Config configures the HTTP middleware.
type Config struct {
	CircuitConfig
	// IsFailure classifies the upstream's status (default: status >= 500).
	IsFailure func(status int) bool
	// Fallback, if set, answers instead of the upstream when the circuit refuses the
	// call, and also when the call fails: a failing response is then held back (see
	// below) and replaced. If nil, refusals get 503 and failures pass through as they are.
	// See package fallback for static, cached and alternate-service fallbacks.
	Fallback http.Handler
}

// DegradedHeader names why the upstream's answer was not served: "circuit-open",
// "max-concurrency", "timeout" or "upstream-failure". It is set on the breaker's own
// refusals and before Fallback runs, so clients, logs and an outer fallback middleware
// can tell a degraded answer (降级) from a real one.
const DegradedHeader = reply.DegradedHeader

type middleware struct {
	next      http.Handler
	c         *Circuit
	isFailure func(int) bool
	fallback  http.Handler
}

var errFailureStatus = errors.New("upstream failure status")

// New returns a middleware that runs next inside the circuit named cfg.Name (the
// Circuit NewCircuit returns for that name, so routes naming the same service share it).
//
// next runs in the request goroutine with a deadline of cfg.Timeout on its context; a
// reverse proxy honours it and returns. The middleware never returns while next is still
// running, so next can never write to the ResponseWriter after the handler returned. A
// handler that ignores its context delays the response; it cannot corrupt it.
//
// With a Fallback, next's response is held back until its status is known: a failure
// status is discarded (headers and body) and Fallback answers; anything else streams
// through unbuffered. A response already committed when the deadline hits (a slow
// stream) cannot be replaced; it counts as a timeout.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	c, err := NewCircuit(cfg.CircuitConfig)
	if err != nil {
		return nil, err
	}
	if cfg.IsFailure == nil {
		cfg.IsFailure = func(status int) bool { return status >= 500 }
	}
	return &middleware{next: next, c: c, isFailure: cfg.IsFailure, fallback: cfg.Fallback}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.fallback == nil {
		m.serveDirect(w, r)
		return
	}
	ic := respwriter.NewInterceptor(w, m.isFailure)
	err := m.c.Execute(r.Context(), func(ctx context.Context) error {
		m.next.ServeHTTP(ic, r.WithContext(ctx))
		if ic.Intercepted() {
			return errFailureStatus
		}
		return nil
	})
	switch {
	case ic.Committed():
	case err != nil:
		w.Header().Set(DegradedHeader, reason(err))
		m.fallback.ServeHTTP(w, r)
	default:
		ic.Finish() // next wrote nothing: let its empty 200 through
	}
}

// serveDirect passes next's response through untouched and only records its status.
func (m *middleware) serveDirect(w http.ResponseWriter, r *http.Request) {
	rec := statuswriter.New(w)
	err := m.c.Execute(r.Context(), func(ctx context.Context) error {
		m.next.ServeHTTP(rec, r.WithContext(ctx))
		if m.isFailure(rec.Status()) {
			return errFailureStatus
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrOpen):
		w.Header().Set(DegradedHeader, reason(err))
		reply.RetryAfter(w.Header(), m.c.RetryAfter())
		reply.Error(w, http.StatusServiceUnavailable, "circuit open")
	case errors.Is(err, ErrMaxConcurrency):
		w.Header().Set(DegradedHeader, reason(err))
		reply.RetryAfter(w.Header(), time.Second)
		reply.Error(w, http.StatusServiceUnavailable, "too many concurrent requests")
	case errors.Is(err, ErrTimeout) && !rec.Written():
		w.Header().Set(DegradedHeader, reason(err))
		reply.Error(w, http.StatusGatewayTimeout, "upstream timed out")
	}
}

func reason(err error) string {
	switch {
	case errors.Is(err, ErrOpen):
		return "circuit-open"
	case errors.Is(err, ErrMaxConcurrency):
		return "max-concurrency"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	default:
		return "upstream-failure"
	}
}

// CircuitOf returns the circuit behind a handler built by New, for State queries, or nil.
func CircuitOf(h http.Handler) *Circuit {
	if m, ok := h.(*middleware); ok {
		return m.c
	}
	return nil
}
