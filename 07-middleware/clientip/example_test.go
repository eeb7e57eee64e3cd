package clientip_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
)

// A request from a trusted load balancer (10.0.0.5) carries the client's address in
// X-Forwarded-For; the same header from anyone else is ignored.
func Example() {
	h, err := clientip.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("client:", clientip.FromRequest(r))
	}), clientip.Config{Trust: forwarded.MustParseTrust("10.0.0.0/8")})
	if err != nil {
		panic(err)
	}
	for _, peer := range []string{"10.0.0.5:40000", "198.51.100.7:40000"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = peer
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// client: 203.0.113.9
	// client: 198.51.100.7
}
