package leanproxy

import (
	"net/http"
	"net/url"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/proxytest"
	"gatewaylab/04-proxy/reverseproxy"
)

// TestBehaviour runs stage 04's behaviour table against the production reverse proxy
// with the lean transport in front of the table's own *http.Transport: the lean path
// must not change one observable behaviour. It also proves the table exercises the
// lean path itself: not one of its requests may slip through to the fallback.
func TestBehaviour(t *testing.T) {
	proxytest.Run(t, func(tb testing.TB, target *url.URL, trust *forwarded.Trust, tr http.RoundTripper) http.Handler {
		lean := New(tr.(*http.Transport))
		tb.Cleanup(func() {
			if n := lean.fallbacks.Load(); n != 0 {
				tb.Errorf("%d requests went to the fallback, want 0", n)
			}
			lean.CloseIdleConnections()
		})
		p, err := reverseproxy.New(reverseproxy.Config{Target: target, Trust: trust, Transport: lean})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	})
}
