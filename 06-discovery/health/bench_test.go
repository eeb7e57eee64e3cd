package health_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/06-discovery/health"
)

// BenchmarkProbe is the cost of one probe against a loopback server, connection set-up
// included (every probe opens a new connection on purpose).
func BenchmarkProbe(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	httpProbe, err := health.HTTP(health.HTTPConfig{Path: "/healthz", BodyContains: "ok"})
	if err != nil {
		b.Fatal(err)
	}
	for name, p := range map[string]health.Prober{"http": httpProbe, "tcp": health.TCP()} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Probe(context.Background(), addr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
