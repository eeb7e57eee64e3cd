package timeout_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/timeout"
)

func BenchmarkTimeout(b *testing.B) {
	h, err := timeout.New(benchutil.OK, timeout.Config{Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
