package balancer

import (
	"math"
	"sync/atomic"
)

// BoundedLoadHash is consistent hashing with bounded loads (Mirrokni, Thorup and
// Zadimoghaddam, 2016; Envoy's hash_balance_factor, HAProxy's hash-balance-factor).
// A key goes to its ring target unless that target already carries its share: no
// target takes a request that would put it above
//
//	ceil(c * total in-flight * weight / total weight)
//
// requests in flight (for equal weights: ceil(c * average)). A key whose target is full
// walks clockwise to the next target with room, so a hot key spills onto a few
// neighbours instead of melting one target, and keys return home once load drops.
//
// The bound is exact for sequential picks. Concurrent picks each check it against the
// total at their own moment with a compare-and-swap, so a target never overshoots the
// bound the picker saw.
type BoundedLoadHash struct {
	core     core[ring]
	factor   float64
	inFlight atomic.Int64 // requests in flight across all endpoints, this one included
}

// NewBoundedLoadHash returns a BoundedLoadHash balancer with an empty target set. It
// uses opts.Replicas and opts.LoadFactor.
func NewBoundedLoadHash(opts Options) (*BoundedLoadHash, error) {
	replicas, err := opts.replicas()
	if err != nil {
		return nil, err
	}
	factor, err := opts.loadFactor()
	if err != nil {
		return nil, err
	}
	b := &BoundedLoadHash{factor: factor}
	shared := opts.tracking()
	shared.total = &b.inFlight
	b.core.init(shared, buildRing(replicas))
	return b, nil
}

// Pick returns the first endpoint at or after key's ring position that has room under
// the bound; an empty key starts at a random position.
func (b *BoundedLoadHash) Pick(key string) (*Endpoint, error) {
	r, err := b.core.load()
	if err != nil {
		return nil, err
	}
	total := b.inFlight.Add(1) // this request counts towards the average it is held to
	start := r.locate(key)
	last := int32(-1)
	for k := range len(r.points) {
		p := (start + k) % len(r.points)
		i := r.owners[p]
		if i == last {
			continue // the same target owns consecutive points; it was just checked
		}
		last = i
		if r.eps[i].acquireBelow(b.capacity(r, i, total)) {
			return r.eps[i], nil
		}
	}
	// Every target looked full: only possible while concurrent picks raced this one.
	return r.eps[r.owners[start]].acquire(), nil
}

// capacity is how many requests target i may have in flight while total are in flight.
// With c >= 1 the capacities add up to at least total, so some target always has room.
func (b *BoundedLoadHash) capacity(r *ring, i int32, total int64) int64 {
	share := float64(r.weights[i]) / float64(r.total)
	return int64(math.Ceil(b.factor * float64(total) * share))
}

// Update replaces the target set and rebuilds the ring.
func (b *BoundedLoadHash) Update(targets []Target) error { return b.core.update(targets) }

// acquireBelow counts one more request in flight if fewer than limit are.
func (e *Endpoint) acquireBelow(limit int64) bool {
	for {
		n := e.inFlight.Load()
		if n >= limit {
			return false
		}
		if e.inFlight.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

var _ Balancer = (*BoundedLoadHash)(nil)
