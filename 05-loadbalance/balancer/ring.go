package balancer

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// MaxRingPoints bounds the hash ring (12 bytes a point, so 12 MiB) and the time Update
// spends building it. Replicas times the ratio of the heaviest to the lightest weight,
// summed over targets, must stay under it.
const MaxRingPoints = 1 << 20

// ring is the hash ring (哈希环) shared by ConsistentHash and BoundedLoadHash: every
// target owns virtual nodes at pseudo-random points, and a key belongs to the first
// point at or after its own hash, wrapping around at the end.
type ring struct {
	weightedSet
	points []uint64 // sorted hashes of the virtual nodes
	owners []int32  // owners[k] is the endpoint index that owns points[k]
}

type ringPoint struct {
	hash  uint64
	owner int32
}

// buildRing returns a snapshot builder for rings with the given replicas.
func buildRing(replicas int) func([]Target, []*Endpoint) (*ring, error) {
	return func(targets []Target, eps []*Endpoint) (*ring, error) {
		counts, err := virtualNodeCounts(targets, replicas)
		if err != nil {
			return nil, err
		}
		r := &ring{weightedSet: newWeightedSet(targets, eps)}
		r.place(counts)
		return r, nil
	}
}

// virtualNodeCounts gives the lightest target replicas points and every other target
// points in proportion to its weight, so weights 1 and 3 get 160 and 480 points.
func virtualNodeCounts(targets []Target, replicas int) ([]int, error) {
	lightest := targets[0].Weight
	for _, t := range targets {
		lightest = min(lightest, t.Weight)
	}
	counts := make([]int, len(targets))
	total := 0
	for i, t := range targets {
		counts[i] = max(1, int((int64(replicas)*int64(t.Weight)+int64(lightest)/2)/int64(lightest)))
		total += counts[i]
		if total > MaxRingPoints {
			return nil, fmt.Errorf("target %d (%s): weight %d against a lightest weight of %d "+
				"at %d replicas takes the ring past %d points; lower Replicas or the spread of weights: %w",
				i, t.Addr, t.Weight, lightest, replicas, MaxRingPoints, ErrInvalidTarget)
		}
	}
	return counts, nil
}

// place hashes every virtual node and sorts the ring. Equal hashes (practically never
// seen with 64 bits) are ordered by address so that every instance builds the same
// ring whatever order discovery listed the targets in.
func (r *ring) place(counts []int) {
	var n int
	for _, c := range counts {
		n += c
	}
	pts := make([]ringPoint, 0, n)
	for i, c := range counts {
		for v := range c {
			pts = append(pts, ringPoint{hashVirtualNode(r.eps[i].addr, v), int32(i)})
		}
	}
	slices.SortFunc(pts, func(a, b ringPoint) int {
		if a.hash != b.hash {
			return cmp.Compare(a.hash, b.hash)
		}
		return strings.Compare(r.eps[a.owner].addr, r.eps[b.owner].addr)
	})
	r.points = make([]uint64, n)
	r.owners = make([]int32, n)
	for k, p := range pts {
		r.points[k], r.owners[k] = p.hash, p.owner
	}
}

// locate returns the ring position that serves key. An empty key has no affinity to
// keep, so it gets a random position instead of piling onto one target.
func (r *ring) locate(key string) int {
	if key == "" {
		return rand.IntN(len(r.points))
	}
	k, _ := slices.BinarySearch(r.points, hashKey(key))
	if k == len(r.points) {
		k = 0 // past the last point: wrap around to the first
	}
	return k
}
