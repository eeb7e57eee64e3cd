package balancer

// LeastConn sends a request to the less busy of two randomly drawn targets (power of two
// choices, P2C), where busy means requests in flight divided by weight. Comparing two
// random candidates instead of scanning all of them is O(1), needs no lock, and avoids
// the herd effect of every gateway sending to the one global minimum at once, while the
// worst load stays exponentially closer to the average than with one random choice
// (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing").
//
// The first candidate is drawn by weight and wins ties, so an idle set is shared by
// weight; under load, in-flight counts settle in proportion to weight.
type LeastConn struct {
	core core[weightedSet]
}

// NewLeastConn returns a LeastConn balancer with an empty target set.
func NewLeastConn(opts Options) *LeastConn {
	b := &LeastConn{}
	b.core.init(opts.tracking(), buildWeightedSet)
	return b
}

// Pick returns the less loaded of two random endpoints; key is ignored.
func (b *LeastConn) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	i := s.sample()
	if j := s.sampleOther(i); s.lighter(j, i) {
		i = j
	}
	return s.eps[i].acquire(), nil
}

// lighter reports whether j has fewer requests in flight per unit of weight than i,
// comparing in_j/w_j < in_i/w_i without division.
func (s *weightedSet) lighter(j, i int) bool {
	return s.eps[j].InFlight()*s.weights[i] < s.eps[i].InFlight()*s.weights[j]
}

// Update replaces the target set.
func (b *LeastConn) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*LeastConn)(nil)
