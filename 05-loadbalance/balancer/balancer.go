package balancer

import (
	"context"
	"errors"
	"time"
)

// Balancer picks an endpoint for each request from a target set that can change at any
// time. All methods are safe for concurrent use.
type Balancer interface {
	// Pick chooses the endpoint for one request and counts it as in flight; the caller
	// must call Done on it exactly once. Hash policies use key to keep a client on the
	// same target; the other policies ignore it. Pick returns ErrNoTarget when the set
	// is empty and never allocates.
	Pick(key string) (*Endpoint, error)

	// Update replaces the target set atomically. Discovery and health checks call it
	// whenever the set of healthy targets changes. Invalid input is rejected with an
	// error naming the target (wrapping ErrInvalidTarget) and the old set stays.
	Update(targets []Target) error
}

// Target is one backend as discovery describes it.
type Target struct {
	// Addr identifies the target, typically "host:port". Balancers treat it as an
	// opaque, unique name; the hash policies hash it to place the target on the ring.
	Addr string
	// Weight is the target's share of traffic relative to the others, in
	// [1, MaxWeight]. Zero is invalid rather than "default": a forgotten weight is a
	// configuration error the operator should hear about.
	Weight int
}

// MaxWeight is the largest weight a target may have. It leaves room for fine-grained
// shares (percentages with decimals) while every weight sum stays far from overflow.
const MaxWeight = 1_000_000

var (
	// ErrNoTarget is returned by Pick when the target set is empty; the gateway answers
	// 503 Service Unavailable.
	ErrNoTarget = errors.New("no target available")
	// ErrInvalidTarget is wrapped by Update errors that reject a target.
	ErrInvalidTarget = errors.New("invalid target")
	// ErrInvalidOptions is wrapped by constructor errors that reject an Options field.
	ErrInvalidOptions = errors.New("invalid balancer options")
)

// Outcome is what happened to one request sent to an endpoint.
type Outcome struct {
	// Latency is the time from the pick to the response headers (or to the failure).
	Latency time.Duration
	// Status is the HTTP status code of the response, 0 if none arrived. Callers that
	// proxy other protocols report the nearest HTTP status (gRPC UNAVAILABLE as 503),
	// as gRPC's own HTTP mapping does.
	Status int
	// Err is the transport error that kept a response from arriving (dial refused,
	// connection reset, timeout), nil when a response arrived.
	Err error
}

// Failed reports whether the target is to blame for the outcome: a transport error, or
// a 5xx status. A client that went away (context.Canceled) is not the target's fault.
func (o Outcome) Failed() bool {
	if o.Err != nil {
		return !errors.Is(o.Err, context.Canceled)
	}
	return o.Status >= 500
}

// OutcomeObserver receives every outcome reported through Endpoint.Done. Passive
// health checks (outlier ejection) and metrics subscribe through it.
//
// ObserveOutcome runs synchronously on the request path, from many goroutines at once:
// it must be safe for concurrent use, fast and non-blocking (update counters; hand
// heavy work to another goroutine).
type OutcomeObserver interface {
	ObserveOutcome(ep *Endpoint, o Outcome)
}

// OutcomeObserverFunc adapts a function to OutcomeObserver.
type OutcomeObserverFunc func(ep *Endpoint, o Outcome)

// ObserveOutcome calls f(ep, o).
func (f OutcomeObserverFunc) ObserveOutcome(ep *Endpoint, o Outcome) { f(ep, o) }
