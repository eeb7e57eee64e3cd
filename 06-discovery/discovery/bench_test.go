package discovery

import (
	"fmt"
	"testing"

	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/registry"
)

// BenchmarkRoute is the cost of one routing decision, paid on every registry or health
// change (never per request).
func BenchmarkRoute(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("%d targets", n), func(b *testing.B) {
			insts := make([]registry.Instance, n)
			states := health.States{}
			var ejected []string
			for i := range insts {
				insts[i] = registry.Instance{Addr: fmt.Sprintf("10.0.%d.%d:80", i/250, i%250), Weight: 1}
				states[insts[i].Addr] = health.Healthy
				if i%10 == 0 {
					ejected = append(ejected, insts[i].Addr)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				route(insts, states, ejected, 50)
			}
		})
	}
}
