package balancer

import (
	"fmt"
	"time"
)

// Options configures a balancer. The zero value is valid and gives the defaults below;
// each field applies only to the policies it names and is ignored by the others.
type Options struct {
	// Observer, if set, receives every outcome passed to Endpoint.Done (all policies).
	Observer OutcomeObserver

	// Replicas is the number of virtual nodes (虚拟节点) a weight-1 target gets on the
	// hash ring (consistent_hash, bounded_hash). More replicas spread keys more evenly
	// and cost memory. 0 means DefaultReplicas.
	Replicas int

	// LoadFactor is c in "no target above ceil(c * average in-flight)" (bounded_hash).
	// Lower values balance more tightly and move more keys off their home target;
	// it must be at least 1. 0 means DefaultLoadFactor.
	LoadFactor float64

	// Decay is the time constant of the latency average (peak_ewma): an observation
	// loses about 63% of its influence after one Decay. 0 means DefaultDecay.
	Decay time.Duration

	// FailurePenalty is the least latency a failed request counts as (peak_ewma), so
	// a target that fails fast does not look fast. 0 means DefaultFailurePenalty.
	FailurePenalty time.Duration

	// Now is the clock (peak_ewma); nil means time.Now. Tests inject a fake one.
	Now func() time.Time
}

// Defaults for the zero fields of Options.
const (
	// DefaultReplicas matches Kong's and APISIX's 160 points per target. Measured on
	// this ring, each target's share of the keys is within ±12% of fair with 10
	// targets and within ±23% with 100.
	DefaultReplicas = 160
	// DefaultLoadFactor lets a target carry a quarter more than its share of the
	// in-flight requests before its keys spill over to the next target.
	DefaultLoadFactor = 1.25
	// DefaultDecay is Finagle's and Linkerd's peak-EWMA decay time.
	DefaultDecay = 10 * time.Second
	// DefaultFailurePenalty makes a failure weigh like a one-second response.
	DefaultFailurePenalty = time.Second
)

// tracking returns the shared endpoint state every policy starts from.
func (o Options) tracking() *tracking {
	return &tracking{observer: o.Observer}
}

func (o Options) replicas() (int, error) {
	switch {
	case o.Replicas == 0:
		return DefaultReplicas, nil
	case o.Replicas < 0:
		return 0, fmt.Errorf("replicas %d is negative: %w", o.Replicas, ErrInvalidOptions)
	}
	return o.Replicas, nil
}

func (o Options) loadFactor() (float64, error) {
	switch {
	case o.LoadFactor == 0:
		return DefaultLoadFactor, nil
	case !(o.LoadFactor >= 1): // also catches NaN
		return 0, fmt.Errorf("load factor %v is below 1: %w", o.LoadFactor, ErrInvalidOptions)
	}
	return o.LoadFactor, nil
}

func (o Options) ewma() (*ewmaConfig, error) {
	if o.Decay < 0 || o.FailurePenalty < 0 {
		return nil, fmt.Errorf("decay %v and failure penalty %v must not be negative: %w",
			o.Decay, o.FailurePenalty, ErrInvalidOptions)
	}
	cfg := &ewmaConfig{decay: o.Decay, penalty: o.FailurePenalty}
	if cfg.decay == 0 {
		cfg.decay = DefaultDecay
	}
	if cfg.penalty == 0 {
		cfg.penalty = DefaultFailurePenalty
	}
	cfg.elapsed = monotonicSince(o.Now)
	return cfg, nil
}

// monotonicSince returns a clock reading nanoseconds since now. time.Since is about
// twice as fast as time.Now, which matters twice per request.
func monotonicSince(now func() time.Time) func() int64 {
	if now == nil {
		epoch := time.Now()
		return func() int64 { return int64(time.Since(epoch)) }
	}
	epoch := now()
	return func() int64 { return int64(now().Sub(epoch)) }
}
