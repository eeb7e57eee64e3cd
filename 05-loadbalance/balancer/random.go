package balancer

// Random picks each target with probability weight/total. Picks share no state (round
// robin shares a counter). Over many requests the spread is as even as round robin's;
// over a few it is lumpier.
type Random struct {
	core core[weightedSet]
}

// NewRandom returns a Random balancer with an empty target set.
func NewRandom(opts Options) *Random {
	b := &Random{}
	b.core.init(opts.tracking(), buildWeightedSet)
	return b
}

func buildWeightedSet(targets []Target, eps []*Endpoint) (*weightedSet, error) {
	s := newWeightedSet(targets, eps)
	return &s, nil
}

// Pick returns a random endpoint; key is ignored.
func (b *Random) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	return s.eps[s.sample()].acquire(), nil
}

// Update replaces the target set.
func (b *Random) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*Random)(nil)
