package balancer

import "sync/atomic"

// Endpoint is the live state of one target inside one balancer: how many requests are
// in flight and, for PeakEWMA, how fast it has answered. Update keeps the same
// *Endpoint for an address that stays in the set, so that state survives discovery
// changes. Endpoints are created by balancers; the zero value is not usable.
type Endpoint struct {
	addr     string
	inFlight atomic.Int64
	shared   *tracking
	latency  latencyEWMA // used only when shared.ewma is set
}

// tracking is what all endpoints of one balancer share: who else wants outcomes and
// which counters the policy keeps.
type tracking struct {
	observer OutcomeObserver
	total    *atomic.Int64 // requests in flight across the balancer; BoundedLoadHash only
	ewma     *ewmaConfig   // latency tracking; PeakEWMA only
}

func newEndpoint(addr string, shared *tracking) *Endpoint {
	return &Endpoint{addr: addr, shared: shared}
}

// Addr returns the target address this endpoint stands for.
func (e *Endpoint) Addr() string { return e.addr }

// InFlight returns how many picks of this endpoint have not called Done yet.
func (e *Endpoint) InFlight() int64 { return e.inFlight.Load() }

// Done ends the request that Pick counted: it lowers the in-flight count, records the
// latency when the policy tracks it, and passes the outcome to the observer. Call it
// exactly once per successful Pick, also on failure (defer works well); a missing
// call leaves the endpoint looking busy forever.
func (e *Endpoint) Done(o Outcome) {
	e.inFlight.Add(-1)
	s := e.shared
	if s.total != nil {
		s.total.Add(-1)
	}
	if s.ewma != nil {
		e.latency.observe(s.ewma, o)
	}
	if s.observer != nil {
		s.observer.ObserveOutcome(e, o)
	}
}

// acquire counts one more request in flight.
func (e *Endpoint) acquire() *Endpoint {
	e.inFlight.Add(1)
	return e
}
