package apps_test

import (
	"net/netip"
	"testing"

	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/secret"
)

func BenchmarkGateAdmit(b *testing.B) {
	r, err := apps.NewRegistry([]apps.App{{ID: "app_a", SecretHash: secret.Hash("s"), QPS: 1e9, DailyQuota: 1 << 40, AllowedIPs: []string{"10.0.0.0/8"}}})
	if err != nil {
		b.Fatal(err)
	}
	g, err := apps.NewGate(apps.GateConfig{Registry: r})
	if err != nil {
		b.Fatal(err)
	}
	ip := netip.MustParseAddr("10.1.2.3")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Admit(b.Context(), "app_a", ip); err != nil {
			b.Fatal(err)
		}
	}
}
