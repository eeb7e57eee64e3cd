package bodylimit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/bodylimit"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkBodyLimitNoBody(b *testing.B) {
	h, err := bodylimit.New(benchutil.OK, bodylimit.Config{MaxBytes: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
