package ipfilter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/ipfilter"
)

func BenchmarkIPFilter(b *testing.B) {
	h, err := ipfilter.New(benchutil.OK, ipfilter.Config{
		Allow: []string{"10.0.0.0/8", "172.16.0.0/12", "192.0.2.0/24", "2001:db8::/32"},
		Deny:  []string{"192.0.2.66"},
	})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil) // RemoteAddr 192.0.2.1
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
