package balancer

import "sync/atomic"

// RoundRobin hands out targets in order, one after another: a b c a b c. It ignores
// weights (use SmoothWeighted for those). The position is one atomic counter, so
// concurrent picks never wait and never skip or repeat a slot.
type RoundRobin struct {
	core core[weightedSet]
	next atomic.Uint64
}

// NewRoundRobin returns a RoundRobin balancer with an empty target set.
func NewRoundRobin(opts Options) *RoundRobin {
	b := &RoundRobin{}
	b.core.init(opts.tracking(), buildWeightedSet)
	return b
}

// Pick returns the next endpoint in order; key is ignored. After Update the counter
// carries on over the new set.
func (b *RoundRobin) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	n := b.next.Add(1) - 1
	return s.eps[n%uint64(len(s.eps))].acquire(), nil
}

// Update replaces the target set.
func (b *RoundRobin) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*RoundRobin)(nil)
