// Package concurrency caps how many requests a route has in flight at once (Envoy's
// max_requests, Traefik's inFlightReq). A rate limit bounds arrivals per second; this
// bounds work in progress, which is what runs a slow upstream out of connections,
// memory and goroutines. A request over the cap is refused at once, never queued.
package concurrency

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"gatewaylab/07-middleware/internal/reply"
)

// Limiter counts requests in flight. It is safe for concurrent use.
type Limiter struct {
	max      int64
	inFlight atomic.Int64
}

// NewLimiter returns a Limiter admitting at most max requests at once.
func NewLimiter(max int) (*Limiter, error) {
	if max < 1 {
		return nil, fmt.Errorf("concurrency: Max must be at least 1, got %d", max)
	}
	return &Limiter{max: int64(max)}, nil
}

// TryAcquire takes a slot if one is free. It reports false when the limit is reached;
// otherwise the caller must call Release exactly once.
func (l *Limiter) TryAcquire() bool {
	if l.inFlight.Add(1) > l.max {
		l.inFlight.Add(-1)
		return false
	}
	return true
}

// Release returns a slot taken by TryAcquire.
func (l *Limiter) Release() { l.inFlight.Add(-1) }

// InFlight is the number of slots taken now.
func (l *Limiter) InFlight() int { return int(l.inFlight.Load()) }

// Config configures the middleware.
type Config struct {
	// Max is the number of requests allowed in flight. Required.
	Max int
	// Status is the answer when full: 503 (default; the route is overloaded) or 429 (the
	// caller is sending too much at once).
	Status int
	// RetryAfter is sent with the refusal (default 1s).
	RetryAfter time.Duration
}

type middleware struct {
	next http.Handler
	lim  *Limiter
	cfg  Config
}

// New returns a middleware that refuses requests while Max are in flight.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	lim, err := NewLimiter(cfg.Max)
	if err != nil {
		return nil, err
	}
	switch cfg.Status {
	case 0:
		cfg.Status = http.StatusServiceUnavailable
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
	default:
		return nil, errors.New("concurrency: Status must be 503 or 429")
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Second
	}
	return &middleware{next: next, lim: lim, cfg: cfg}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !m.lim.TryAcquire() {
		reply.RetryAfter(w.Header(), m.cfg.RetryAfter)
		reply.Error(w, m.cfg.Status, "too many requests in flight")
		return
	}
	defer m.lim.Release()
	m.next.ServeHTTP(w, r)
}
