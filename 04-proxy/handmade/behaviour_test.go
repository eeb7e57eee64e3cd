package handmade_test

import (
	"net/http"
	"net/url"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/handmade"
	"gatewaylab/04-proxy/proxytest"
)

func TestBehaviour(t *testing.T) {
	proxytest.Run(t, func(tb testing.TB, target *url.URL, trust *forwarded.Trust, tr http.RoundTripper) http.Handler {
		return &handmade.Proxy{Target: target, Trust: trust, Transport: tr}
	})
}
