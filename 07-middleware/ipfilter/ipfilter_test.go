package ipfilter_test

import (
	"net/http"
	"net/netip"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/ipfilter"
)

func TestAllowed(t *testing.T) {
	f, err := ipfilter.NewFilter(
		[]string{"10.0.0.0/8", "2001:db8::/32", "127.0.0.1"},
		[]string{"10.6.6.0/24", "2001:db8:bad::/48"},
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.1.2.3", true},
		{"10.6.6.6", false},   // deny wins over allow
		{"127.0.0.1", true},   // single address
		{"127.0.0.10", false}, // not a string prefix match (the course's TCP filter passed it)
		{"192.0.2.1", false},  // not in allow
		{"2001:db8::1", true}, // IPv6
		{"2001:db8:bad::1", false},
		{"::ffff:10.1.2.3", true}, // IPv4-mapped counts as IPv4
		{"2001:db9::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := f.Allowed(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("Allowed(%s) = %v; want %v", tt.ip, got, tt.want)
			}
		})
	}
	if f.Allowed(netip.Addr{}) {
		t.Error("unknown address passed an allow list")
	}
}

func TestDenyOnly(t *testing.T) {
	f, err := ipfilter.NewFilter(nil, []string{"192.0.2.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Allowed(netip.MustParseAddr("198.51.100.1")) || f.Allowed(netip.MustParseAddr("192.0.2.9")) {
		t.Error("deny-only list: want everything but 192.0.2.0/24 allowed")
	}
}

// TestMiddlewareUsesTrustedClientIP: the real peer is 127.0.0.1. A spoofed
// X-Forwarded-For from it changes nothing unless 127.0.0.1 is a trusted proxy.
func TestMiddlewareUsesTrustedClientIP(t *testing.T) {
	tests := []struct {
		name  string
		trust *forwarded.Trust
		deny  string
		xff   string
		want  int
	}{
		{"peer denied, spoofed header ignored", nil, "127.0.0.1", "198.51.100.1", http.StatusForbidden},
		{"peer allowed, spoofed denied address ignored", nil, "198.51.100.1", "198.51.100.1", http.StatusNoContent},
		{"through a trusted proxy the forwarded client is checked", forwarded.MustParseTrust("127.0.0.1"), "198.51.100.1", "198.51.100.1", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testhttp.Build(t, ipfilter.New, http.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			})), ipfilter.Config{Deny: []string{tt.deny}})
			srv := testhttp.Serve(t, testhttp.Build(t, clientip.New, h, clientip.Config{Trust: tt.trust}))
			if got := testhttp.Get(t, srv.URL, http.Header{"X-Forwarded-For": {tt.xff}}).Status; got != tt.want {
				t.Errorf("status %d; want %d", got, tt.want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []ipfilter.Config{{}, {Allow: []string{"10.0.0.0/33"}}, {Deny: []string{"localhost"}}} {
		if _, err := ipfilter.New(http.NotFoundHandler(), cfg); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", cfg)
		}
	}
}
