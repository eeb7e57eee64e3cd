package balancer

import (
	"maps"
	"slices"
	"strconv"
	"testing"
)

// benchTargets returns n targets with weights 1, 2, 3, 1, 2, 3, ...: uneven, so the
// weighted code paths run.
func benchTargets(n int) []Target {
	ts := numbered(n)
	for i := range ts {
		ts[i].Weight = i%3 + 1
	}
	return ts
}

// benchPolicies is every policy plus the two teaching comparisons.
func benchPolicies(tb testing.TB) map[string]func() Balancer {
	m := allPolicies(tb)
	m["weighted_round_robin_live"] = func() Balancer { return newSmoothWeighted(Options{}, 0) }
	return m
}

var benchKeys = func() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "user-" + strconv.Itoa(i)
	}
	return keys
}()

// BenchmarkPick measures one Pick and its Done on one goroutine.
func BenchmarkPick(b *testing.B) {
	policies := benchPolicies(b)
	for _, name := range slices.Sorted(maps.Keys(policies)) {
		newBalancer := policies[name]
		for _, n := range []int{10, 1000} {
			b.Run(name+"/targets="+strconv.Itoa(n), func(b *testing.B) {
				lb := newBalancer()
				mustUpdate(b, lb, benchTargets(n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					ep, err := lb.Pick(benchKeys[i%len(benchKeys)])
					if err != nil {
						b.Fatal(err)
					}
					ep.Done(Outcome{Status: 200})
					i++
				}
			})
		}
	}
}

// BenchmarkPickParallel measures Pick and Done from GOMAXPROCS goroutines at once:
// what contention on shared counters and locks costs.
func BenchmarkPickParallel(b *testing.B) {
	policies := benchPolicies(b)
	for _, name := range slices.Sorted(maps.Keys(policies)) {
		newBalancer := policies[name]
		b.Run(name+"/targets=10", func(b *testing.B) {
			lb := newBalancer()
			mustUpdate(b, lb, benchTargets(10))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					ep, err := lb.Pick(benchKeys[i%len(benchKeys)])
					if err != nil {
						b.Error(err)
						return
					}
					ep.Done(Outcome{Status: 200})
					i++
				}
			})
		})
	}
}

// BenchmarkUpdate measures replacing a set of 1000 targets: the price discovery pays
// per change.
func BenchmarkUpdate(b *testing.B) {
	targets := benchTargets(1000)
	for _, name := range []string{PolicyRoundRobin, PolicyWeightedRoundRobin, PolicyConsistentHash} {
		b.Run(name+"/targets=1000", func(b *testing.B) {
			lb := newFilled(b, name, Options{}, targets)
			b.ReportAllocs()
			for b.Loop() {
				mustUpdate(b, lb, targets)
			}
		})
	}
}
