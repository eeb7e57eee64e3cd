// Package shed is load shedding by priority: under overload, non-core routes are refused
// first so core routes (checkout, login) keep answering.
//
// All routes share one in-flight budget (a Shedder). Each priority may only fill part of
// it: with Capacity 100, low-priority requests are admitted while fewer than 50 requests
// are in flight, normal ones below 80, critical ones up to 100. When a slow upstream
// makes requests pile up, low-priority traffic hits its ceiling first and gets 503; the
// capacity above it stays free for critical traffic. This is the static cousin of
// Envoy's priority-based admission and of the overload managers in large gateways.
package shed

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"gatewaylab/07-middleware/internal/reply"
)

// Priority ranks a route. The zero value is Normal.
type Priority int

const (
	Normal   Priority = iota // most routes
	Low                      // shed first: reports, recommendations, batch APIs
	Critical                 // shed last: may use the whole capacity
)

func (p Priority) String() string {
	switch p {
	case Low:
		return "low"
	case Critical:
		return "critical"
	default:
		return "normal"
	}
}

// ShedderConfig sizes a Shedder.
type ShedderConfig struct {
	// Capacity is the number of requests allowed in flight over all routes sharing the
	// Shedder. Required.
	Capacity int
	// NormalShare and LowShare are the fractions of Capacity those priorities may fill
	// (defaults 0.8 and 0.5); critical requests may always fill all of it.
	NormalShare float64
	LowShare    float64
}

// Shedder is the shared in-flight budget. Safe for concurrent use.
type Shedder struct {
	inFlight atomic.Int64
	ceiling  [3]int64 // indexed by Priority
}

// NewShedder returns a Shedder.
func NewShedder(cfg ShedderConfig) (*Shedder, error) {
	if cfg.Capacity < 1 {
		return nil, fmt.Errorf("shed: Capacity must be at least 1, got %d", cfg.Capacity)
	}
	if cfg.NormalShare == 0 {
		cfg.NormalShare = 0.8
	}
	if cfg.LowShare == 0 {
		cfg.LowShare = 0.5
	}
	if !(cfg.LowShare > 0 && cfg.LowShare <= cfg.NormalShare && cfg.NormalShare <= 1) {
		return nil, fmt.Errorf("shed: need 0 < LowShare <= NormalShare <= 1, got %v and %v", cfg.LowShare, cfg.NormalShare)
	}
	s := &Shedder{}
	s.ceiling[Critical] = int64(cfg.Capacity)
	s.ceiling[Normal] = max(1, int64(float64(cfg.Capacity)*cfg.NormalShare))
	s.ceiling[Low] = max(1, int64(float64(cfg.Capacity)*cfg.LowShare))
	return s, nil
}

// TryAcquire admits a request of priority p if the requests in flight are below p's
// ceiling. When it reports true the caller must call Release once.
func (s *Shedder) TryAcquire(p Priority) bool {
	if s.inFlight.Add(1) > s.ceiling[p] {
		s.inFlight.Add(-1)
		return false
	}
	return true
}

// Release returns a slot taken by TryAcquire.
func (s *Shedder) Release() { s.inFlight.Add(-1) }

// InFlight is the number of admitted requests now.
func (s *Shedder) InFlight() int { return int(s.inFlight.Load()) }

// Config configures the middleware for one route.
type Config struct {
	// Shedder is the budget shared with the other routes. Required.
	Shedder *Shedder
	// Priority is this route's rank (default Normal).
	Priority Priority
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns a middleware that answers 503 when its priority's share of the budget
// is full.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Shedder == nil {
		return nil, fmt.Errorf("shed: Shedder is required")
	}
	if cfg.Priority < Normal || cfg.Priority > Critical {
		return nil, fmt.Errorf("shed: Priority %d is not Low, Normal or Critical", cfg.Priority)
	}
	return &middleware{next: next, cfg: cfg}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !m.cfg.Shedder.TryAcquire(m.cfg.Priority) {
		w.Header().Set(reply.DegradedHeader, "shed")
		reply.RetryAfter(w.Header(), time.Second)
		reply.Error(w, http.StatusServiceUnavailable, "overloaded: "+m.cfg.Priority.String()+" priority requests are shed")
		return
	}
	defer m.cfg.Shedder.Release()
	m.next.ServeHTTP(w, r)
}
