package clientip_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/testhttp"
)

// echoServer runs the resolver in front of a handler that writes the resolved IP.
func echoServer(tb testing.TB, trust *forwarded.Trust) *httptest.Server {
	tb.Helper()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, ok := clientip.From(r.Context())
		if !ok {
			http.Error(w, "no client ip in context", 500)
			return
		}
		_, _ = io.WriteString(w, ip.String())
	})
	return testhttp.Serve(tb, testhttp.Build(tb, clientip.New, echo, clientip.Config{Trust: trust}))
}

func get(tb testing.TB, url, xff string) string {
	tb.Helper()
	var h http.Header
	if xff != "" {
		h = http.Header{"X-Forwarded-For": {xff}}
	}
	return testhttp.Get(tb, url, h).Body
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name  string
		trust *forwarded.Trust
		xff   string
		want  string
	}{
		{"no trust, no header", nil, "", "127.0.0.1"},
		{"spoofed header from untrusted peer is ignored", nil, "203.0.113.9", "127.0.0.1"},
		{"untrusted peer even with other proxies trusted", forwarded.MustParseTrust("10.0.0.0/8"), "203.0.113.9", "127.0.0.1"},
		{"trusted peer: rightmost untrusted hop", forwarded.MustParseTrust("127.0.0.1"), "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		{"trusted chain skipped", forwarded.MustParseTrust("127.0.0.1", "10.0.0.0/8"), "198.51.100.7, 10.1.2.3", "198.51.100.7"},
		{"IPv6 client through trusted proxy", forwarded.MustParseTrust("127.0.0.1"), "2001:db8::7", "2001:db8::7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := echoServer(t, tt.trust)
			if got := get(t, srv.URL, tt.xff); got != tt.want {
				t.Errorf("client IP = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestFromRequestFallsBackToPeer(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := clientip.FromRequest(r).String(); got != "192.0.2.1" {
		t.Errorf("FromRequest without middleware = %s; want the peer 192.0.2.1", got)
	}
}
