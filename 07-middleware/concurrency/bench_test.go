package concurrency_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/concurrency"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkConcurrency(b *testing.B) {
	h, err := concurrency.New(benchutil.OK, concurrency.Config{Max: 100})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
