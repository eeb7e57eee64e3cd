package stripprefix_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/stripprefix"
)

func BenchmarkStripPrefix(b *testing.B) {
	h, err := stripprefix.New(benchutil.OK, stripprefix.Config{Prefixes: []string{"/api"}})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/api/orders/42", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
