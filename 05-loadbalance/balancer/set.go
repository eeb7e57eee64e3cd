package balancer

import (
	"math/rand/v2"
	"slices"
)

// weightedSet is the part of every snapshot that lists the endpoints and their
// weights. It is immutable once built.
type weightedSet struct {
	eps     []*Endpoint
	weights []int64
	cum     []int64 // cum[i] = weights[0] + ... + weights[i]
	total   int64   // sum of all weights
	uniform bool    // every weight is the same: sample without a search
}

func newWeightedSet(targets []Target, eps []*Endpoint) weightedSet {
	s := weightedSet{
		eps:     eps,
		weights: make([]int64, len(targets)),
		cum:     make([]int64, len(targets)),
		uniform: true,
	}
	for i, t := range targets {
		w := int64(t.Weight)
		s.weights[i] = w
		s.total += w
		s.cum[i] = s.total
		if w != s.weights[0] {
			s.uniform = false
		}
	}
	return s
}

// owner returns the index whose slice of [0, total) holds x: the first i with
// cum[i] > x. Picture the weights laid end to end on a line; x lands on one of them.
func (s *weightedSet) owner(x int64) int {
	i, _ := slices.BinarySearch(s.cum, x+1)
	return i
}

// sample returns a random index, each with probability weight/total.
//
// math/rand/v2's top-level functions are safe for concurrent use and do not allocate;
// load balancing needs spread, not secrecy, so a cryptographic source would only cost.
func (s *weightedSet) sample() int {
	if s.uniform {
		return rand.IntN(len(s.eps))
	}
	return s.owner(rand.Int64N(s.total))
}

// sampleOther returns a random index different from i (when there is more than one).
// Power-of-two-choices compares two distinct candidates; the second is drawn uniformly
// from the rest, which keeps the pick O(1) and is enough, because weights already
// shaped the first draw and the load comparison divides by weight.
func (s *weightedSet) sampleOther(i int) int {
	n := len(s.eps)
	if n == 1 {
		return i
	}
	j := rand.IntN(n - 1)
	if j >= i {
		j++
	}
	return j
}
