package reverseproxy_test

import (
	"net/http"
	"net/url"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/proxytest"
	"gatewaylab/04-proxy/reverseproxy"
)

func TestBehaviour(t *testing.T) {
	proxytest.Run(t, func(tb testing.TB, target *url.URL, trust *forwarded.Trust, tr http.RoundTripper) http.Handler {
		p, err := reverseproxy.New(reverseproxy.Config{Target: target, Trust: trust, Transport: tr})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	})
}
