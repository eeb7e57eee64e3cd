package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/ratelimit"
)

func BenchmarkRateLimitLocalByIP(b *testing.B) {
	h, err := ratelimit.New(benchutil.OK, ratelimit.Config{
		Name: "bench", Policy: ratelimit.Policy{Rate: 1e9, Burst: 1e9}, Key: ratelimit.ByClientIP(),
	})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}

func BenchmarkLocalAllowParallel(b *testing.B) {
	l := ratelimit.NewLocal(ratelimit.LocalConfig{})
	p := ratelimit.Policy{Rate: 1e9, Burst: 1e9}
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := l.Allow(b.Context(), keys[i%len(keys)], p); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
