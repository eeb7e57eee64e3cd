package breaker_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/internal/benchutil"
)

func benchBreaker(b *testing.B, fallback http.Handler) {
	h, err := breaker.New(benchutil.OK, breaker.Config{
		CircuitConfig: breaker.CircuitConfig{Name: uniqueName(b), MaxConcurrentRequests: 100},
		Fallback:      fallback,
	})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}

func BenchmarkBreaker(b *testing.B)             { benchBreaker(b, nil) }
func BenchmarkBreakerWithFallback(b *testing.B) { benchBreaker(b, staticFallback) }
