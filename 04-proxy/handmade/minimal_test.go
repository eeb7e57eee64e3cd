package handmade_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/handmade"
	"gatewaylab/04-proxy/proxytest"
)

// The minimal proxy gets the basics right: the cases below pass for it as they do for
// the correct Proxy.
func TestMinimalBasics(t *testing.T) {
	want := map[string]bool{
		"copies status headers and body":       true,
		"forwards request body":                true,
		"refused upstream gives 502":           true,
		"slow upstream gives 504":              true,
		"client cancellation reaches upstream": true,
	}
	for _, c := range proxytest.Cases() {
		if !want[c.Name] {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			c.Run(t, func(tb testing.TB, target *url.URL, _ *forwarded.Trust, tr http.RoundTripper) http.Handler {
				return &handmade.Minimal{Target: target, Transport: tr}
			})
		})
	}
}

// TestMinimalLeaksHopByHop shows what step 2 is for: the minimal proxy passes a header
// the client marked as meant for this connection only (listed in Connection) straight
// on to the upstream. Proxy removes it; see the behaviour table.
func TestMinimalLeaksHopByHop(t *testing.T) {
	seen := make(chan http.Header, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
	}))
	defer up.Close()
	target, err := url.Parse(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(&handmade.Minimal{Target: target})
	defer front.Close()

	c, err := net.Dial("tcp", front.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nConnection: X-Hop\r\nX-Hop: for the proxy only\r\n\r\n"))
	if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
		t.Fatal(err)
	}
	if got := (<-seen).Get("X-Hop"); got != "for the proxy only" {
		t.Fatalf("X-Hop = %q: the minimal proxy was expected to leak it (Proxy removes it)", got)
	}
}
