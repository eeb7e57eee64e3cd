package balancer

import (
	"sync"
	"sync/atomic"
)

// SmoothWeighted is nginx's smooth weighted round robin (平滑加权轮询). Weights 4, 3, 2
// give a b c a b a c b a: every target's picks are spread through the cycle instead of
// coming in runs (compare BlockyWeighted).
//
// The algorithm keeps a current weight per target. For each pick every current weight
// grows by its target's weight, the largest wins, and the winner pays the total weight
// back. A target with weight w wins w times in every cycle of total picks, after which
// all current weights are zero again.
//
// Because the sequence repeats exactly, Update precomputes one cycle whenever that is
// cheap, and Pick then only reads it with an atomic counter: no lock, O(1). Sets whose
// cycle is too long to precompute (large, uneven weights on many targets) run the same
// algorithm live under a mutex, O(n) per pick.
type SmoothWeighted struct {
	core core[smoothSnapshot]
	next atomic.Uint64
	// budget caps the work (cycle length times targets) spent precomputing a cycle.
	budget int
}

// scheduleBudget bounds the precomputation to a few milliseconds per Update. Weights
// are divided by their gcd first; then 1000 targets whose weights sum to at most 4000,
// or 10 targets summing to at most 400 000, stay under it.
const scheduleBudget = 1 << 22

type smoothSnapshot struct {
	weightedSet
	schedule []int32 // one full cycle of picks, or nil: use live

	mu   sync.Mutex // guards live
	live smoothState
}

// NewSmoothWeighted returns a SmoothWeighted balancer with an empty target set.
func NewSmoothWeighted(opts Options) *SmoothWeighted {
	return newSmoothWeighted(opts, scheduleBudget)
}

// newSmoothWeighted lets tests force the live path with a zero budget.
func newSmoothWeighted(opts Options, budget int) *SmoothWeighted {
	b := &SmoothWeighted{budget: budget}
	b.core.init(opts.tracking(), b.build)
	return b
}

func (b *SmoothWeighted) build(targets []Target, eps []*Endpoint) (*smoothSnapshot, error) {
	s := &smoothSnapshot{weightedSet: newWeightedSet(targets, eps)}
	s.live = newSmoothState(s.weights)
	cycle := s.live.total // weights are divided by their gcd, so this is the period
	if cycle*int64(len(eps)) <= int64(b.budget) {
		s.schedule = make([]int32, cycle)
		for i := range s.schedule {
			s.schedule[i] = int32(s.live.next())
		}
	}
	return s, nil
}

// Pick returns the next endpoint of the weighted cycle; key is ignored.
func (b *SmoothWeighted) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	if s.schedule != nil {
		n := b.next.Add(1) - 1
		return s.eps[s.schedule[n%uint64(len(s.schedule))]].acquire(), nil
	}
	s.mu.Lock()
	i := s.live.next()
	s.mu.Unlock()
	return s.eps[i].acquire(), nil
}

// Update replaces the target set and restarts the cycle.
func (b *SmoothWeighted) Update(targets []Target) error { return b.core.update(targets) }

// smoothState is the algorithm itself, one step per next call. It is not safe for
// concurrent use.
type smoothState struct {
	weights []int64 // divided by their gcd: same sequence, shorter cycle
	current []int64
	total   int64
}

func newSmoothState(weights []int64) smoothState {
	g := weights[0]
	for _, w := range weights[1:] {
		g = gcd(g, w)
	}
	st := smoothState{weights: make([]int64, len(weights)), current: make([]int64, len(weights))}
	for i, w := range weights {
		st.weights[i] = w / g
		st.total += w / g
	}
	return st
}

// next performs one pick. Ties go to the lower index, as in nginx.
func (st *smoothState) next() int {
	best := 0
	for i, w := range st.weights {
		st.current[i] += w
		if st.current[i] > st.current[best] {
			best = i
		}
	}
	st.current[best] -= st.total
	return best
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

var _ Balancer = (*SmoothWeighted)(nil)
