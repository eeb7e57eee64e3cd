package rewrite_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/rewrite"
)

func BenchmarkRewrite(b *testing.B) {
	h, err := rewrite.New(benchutil.OK, rewrite.Config{Rules: []rewrite.Rule{{Match: `^/v1/(.*)`, Replace: "/api/$1"}}})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/orders/42", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
