package forwarded_test

import (
	"fmt"
	"net/http/httptest"

	"gatewaylab/04-proxy/forwarded"
)

// A load balancer at 10.0.0.5 forwards a request for a client who also wrote a fake
// address into X-Forwarded-For. Only the hop the trusted balancer appended is believed.
func ExampleTrust_ClientIP() {
	trust := forwarded.MustParseTrust("10.0.0.0/8")

	r := httptest.NewRequest("GET", "http://api.example.com/", nil)
	r.RemoteAddr = "10.0.0.5:41000"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.7")
	fmt.Println("via trusted balancer:", trust.ClientIP(r))

	r.RemoteAddr = "198.51.100.7:52000" // the same client, connecting directly
	fmt.Println("direct:", trust.ClientIP(r))
	// Output:
	// via trusted balancer: 198.51.100.7
	// direct: 198.51.100.7
}
