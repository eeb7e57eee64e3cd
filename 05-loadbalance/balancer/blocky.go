package balancer

import "sync/atomic"

// BlockyWeighted is the counter-mod-total weighted round robin that Caddy ships as
// weighted_round_robin: pick number n goes to the target whose stretch of
// [0, total weight) holds n mod total. Weights 4, 3, 2 give a a a a b b b c c: the right
// shares, but in runs, so a heavy target takes bursts while the others idle.
//
// It is here to be compared with SmoothWeighted (see the README and cmd/histogram).
// New does not offer it; use SmoothWeighted.
type BlockyWeighted struct {
	core core[weightedSet]
	next atomic.Uint64
}

// NewBlockyWeighted returns a BlockyWeighted balancer with an empty target set.
func NewBlockyWeighted(opts Options) *BlockyWeighted {
	b := &BlockyWeighted{}
	b.core.init(opts.tracking(), buildWeightedSet)
	return b
}

// Pick returns the endpoint for the next counter value; key is ignored.
func (b *BlockyWeighted) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	n := b.next.Add(1) - 1
	return s.eps[s.owner(int64(n%uint64(s.total)))].acquire(), nil
}

// Update replaces the target set.
func (b *BlockyWeighted) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*BlockyWeighted)(nil)
