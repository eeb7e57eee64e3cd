package outlier

import (
	"fmt"
	"testing"

	"gatewaylab/05-loadbalance/balancer"
)

// BenchmarkObserveOutcome is what passive health checking adds to every request.
func BenchmarkObserveOutcome(b *testing.B) {
	d, err := New(Config{ConsecutiveFailures: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	lb := balancer.NewRoundRobin(balancer.Options{})
	var addrs []string
	var targets []balancer.Target
	for i := range 10 {
		a := fmt.Sprintf("10.0.0.%d:80", i)
		addrs = append(addrs, a)
		targets = append(targets, balancer.Target{Addr: a, Weight: 1})
	}
	if err := lb.Update(targets); err != nil {
		b.Fatal(err)
	}
	d.SetTargets(addrs)
	ep, err := lb.Pick("")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		o    balancer.Outcome
	}{
		{"success", balancer.Outcome{Status: 200}},
		{"failure", balancer.Outcome{Status: 502}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.ObserveOutcome(ep, bc.o)
			}
		})
		b.Run(bc.name+" parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					d.ObserveOutcome(ep, bc.o)
				}
			})
		})
	}
}
