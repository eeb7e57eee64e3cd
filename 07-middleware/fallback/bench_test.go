package fallback_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/fallback"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkFallbackWithCache(b *testing.B) {
	h, err := fallback.New(benchutil.OK, fallback.Config{Cache: fallback.NewCache(fallback.CacheConfig{}), Fallback: static})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/list", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
