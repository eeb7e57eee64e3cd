package requestid_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/requestid"
)

func BenchmarkRequestID(b *testing.B) {
	h, err := requestid.New(benchutil.OK, requestid.Config{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
