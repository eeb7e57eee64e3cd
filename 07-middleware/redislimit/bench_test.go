package redislimit_test

import (
	"testing"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/redislimit"
)

// BenchmarkRedisAllow is one EVALSHA round trip to a local redis-server.
func BenchmarkRedisAllow(b *testing.B) {
	srv := redistest.Start(b)
	l := newLimiter(b, newClient(b, srv.Addr), redislimit.FailOpen)
	p := ratelimit.Policy{Rate: 1e6, Burst: 1e6}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Allow(b.Context(), "bench", p); err != nil {
			b.Fatal(err)
		}
	}
}
