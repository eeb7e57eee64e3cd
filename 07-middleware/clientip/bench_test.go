package clientip_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkClientIP(b *testing.B) {
	h, err := clientip.New(benchutil.OK, clientip.Config{Trust: forwarded.MustParseTrust("10.0.0.0/8")})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.5:40000"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 10.0.0.4")
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
