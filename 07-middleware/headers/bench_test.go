package headers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/headers"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkHeaders(b *testing.B) {
	h, err := headers.New(benchutil.OK, headers.Config{
		Request:  headers.Rules{Set: map[string]string{"X-Env": "prod"}, Remove: []string{"X-Debug"}},
		Response: headers.Rules{Remove: []string{"Server"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
