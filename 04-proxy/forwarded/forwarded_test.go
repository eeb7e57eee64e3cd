package forwarded

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func request(remote string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://example.test/", nil)
	r.RemoteAddr = remote
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestParseTrust(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		in      string
		want    bool
	}{
		{"single v4", []string{"127.0.0.1"}, "127.0.0.1", true},
		{"single v4 other", []string{"127.0.0.1"}, "127.0.0.2", false},
		{"cidr v4", []string{"10.0.0.0/8"}, "10.200.1.1", true},
		{"cidr v4 outside", []string{"10.0.0.0/8"}, "11.0.0.1", false},
		{"cidr v6", []string{"fd00::/8"}, "fd12::1", true},
		{"single v6", []string{"::1"}, "::1", true},
		{"mapped addr matches v4 entry", []string{"10.0.0.1"}, "::ffff:10.0.0.1", true},
		{"mapped cidr entry", []string{"::ffff:10.0.0.0/104"}, "10.1.2.3", true},
		{"unmasked cidr", []string{"192.168.1.77/24"}, "192.168.1.1", true},
		{"empty trusts nobody", nil, "127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := ParseTrust(tt.entries...)
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Contains(netip.MustParseAddr(tt.in)); got != tt.want {
				t.Errorf("Contains(%s) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseTrustErrorNamesEntry(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "not-an-ip", "1.2.3", ""} {
		_, err := ParseTrust("127.0.0.1", bad)
		if err == nil {
			t.Fatalf("ParseTrust(%q) = nil error", bad)
		}
		if !strings.Contains(err.Error(), "\""+bad+"\"") {
			t.Errorf("error %q does not name the entry %q", err, bad)
		}
	}
}

func TestNilTrustTrustsNobody(t *testing.T) {
	var tr *Trust
	r := request("203.0.113.9:5555", "1.1.1.1")
	if got := tr.ClientIP(r); got != netip.MustParseAddr("203.0.113.9") {
		t.Errorf("ClientIP = %s, want the peer", got)
	}
}

func TestClientIP(t *testing.T) {
	tr := MustParseTrust("10.0.0.0/8", "::1")
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"untrusted peer ignores header", "203.0.113.9:1234", []string{"1.1.1.1"}, "203.0.113.9"},
		{"untrusted peer no header", "203.0.113.9:1234", nil, "203.0.113.9"},
		{"trusted peer no header", "10.0.0.5:1234", nil, "10.0.0.5"},
		{"trusted peer one hop", "10.0.0.5:1234", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed left entries are skipped", "10.0.0.5:1234", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"walks past trusted hops", "10.0.0.5:1234", []string{"198.51.100.7, 10.1.1.1, 10.2.2.2"}, "198.51.100.7"},
		{"multiple header lines in order", "10.0.0.5:1234", []string{"6.6.6.6", "198.51.100.7, 10.1.1.1"}, "198.51.100.7"},
		{"all trusted returns leftmost", "10.0.0.5:1234", []string{"10.9.9.9, 10.1.1.1"}, "10.9.9.9"},
		{"garbage stops the walk", "10.0.0.5:1234", []string{"6.6.6.6, garbage, 10.1.1.1"}, "10.1.1.1"},
		{"hop with port", "10.0.0.5:1234", []string{"198.51.100.7:4711"}, "198.51.100.7"},
		{"bracketed v6 with port", "10.0.0.5:1234", []string{"[2001:db8::7]:443"}, "2001:db8::7"},
		{"v6 peer trusted", "[::1]:999", []string{"2001:db8::7"}, "2001:db8::7"},
		{"empty elements ignored", "10.0.0.5:1234", []string{" , 198.51.100.7 , "}, "198.51.100.7"},
		{"mapped peer", "[::ffff:10.0.0.5]:1", []string{"198.51.100.7"}, "198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tr.ClientIP(request(tt.remote, tt.xff...))
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestClientIPBadRemoteAddr(t *testing.T) {
	tr := MustParseTrust("10.0.0.0/8")
	if got := tr.ClientIP(request("@unix", "1.1.1.1")); got.IsValid() {
		t.Errorf("ClientIP = %s, want invalid for a non-IP peer", got)
	}
}

func TestSetHeaders(t *testing.T) {
	tr := MustParseTrust("10.0.0.0/8")
	tests := []struct {
		name                 string
		remote               string
		in                   http.Header
		wantXFF, wantHost    string
		wantProto            string
		wantForwardedRemoved bool
	}{
		{
			name:   "untrusted client headers replaced",
			remote: "203.0.113.9:1",
			in: http.Header{
				"X-Forwarded-For":   {"6.6.6.6"},
				"X-Forwarded-Host":  {"evil.test"},
				"X-Forwarded-Proto": {"https"},
				"Forwarded":         {"for=6.6.6.6"},
			},
			wantXFF: "203.0.113.9", wantHost: "example.test", wantProto: "http", wantForwardedRemoved: true,
		},
		{
			name:   "trusted proxy headers extended",
			remote: "10.0.0.5:1",
			in: http.Header{
				"X-Forwarded-For":   {"198.51.100.7"},
				"X-Forwarded-Host":  {"api.example.com"},
				"X-Forwarded-Proto": {"https"},
			},
			wantXFF: "198.51.100.7, 10.0.0.5", wantHost: "api.example.com", wantProto: "https",
		},
		{
			name:    "trusted proxy with odd proto value ignored",
			remote:  "10.0.0.5:1",
			in:      http.Header{"X-Forwarded-Proto": {"gopher"}},
			wantXFF: "10.0.0.5", wantHost: "example.test", wantProto: "http",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := request(tt.remote)
			in.Header = tt.in
			out := in.Clone(in.Context())
			tr.SetHeaders(out, in)
			if got := out.Header.Get(HeaderXFF); got != tt.wantXFF {
				t.Errorf("X-Forwarded-For = %q, want %q", got, tt.wantXFF)
			}
			if got := out.Header.Get(HeaderHost); got != tt.wantHost {
				t.Errorf("X-Forwarded-Host = %q, want %q", got, tt.wantHost)
			}
			if got := out.Header.Get(HeaderProto); got != tt.wantProto {
				t.Errorf("X-Forwarded-Proto = %q, want %q", got, tt.wantProto)
			}
			if tt.wantForwardedRemoved && out.Header.Get(HeaderRFC) != "" {
				t.Errorf("Forwarded header kept: %q", out.Header.Get(HeaderRFC))
			}
		})
	}
}

func BenchmarkClientIP(b *testing.B) {
	tr := MustParseTrust("10.0.0.0/8", "192.168.0.0/16")
	r := request("10.0.0.5:1234", "198.51.100.7, 10.1.1.1, 192.168.3.3")
	b.ReportAllocs()
	for b.Loop() {
		_ = tr.ClientIP(r)
	}
}

func TestClientIPDoesNotAllocate(t *testing.T) {
	tr := MustParseTrust("10.0.0.0/8", "192.168.0.0/16")
	r := request("10.0.0.5:1234", "198.51.100.7, 10.1.1.1, 192.168.3.3")
	if n := testing.AllocsPerRun(100, func() { _ = tr.ClientIP(r) }); n != 0 {
		t.Errorf("ClientIP allocates %.0f times per call, want 0", n)
	}
}

// FuzzClientIP checks the resolver's contract on arbitrary headers: it never panics, and
// the address it returns is the peer or one that literally appears in X-Forwarded-For.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.5:1234", "198.51.100.7, 10.1.1.1")
	f.Add("203.0.113.9:1", "1.1.1.1")
	f.Add("[::1]:80", "[2001:db8::1]:443, ,garbage")
	f.Add("10.0.0.5:1", ",,,")
	tr := MustParseTrust("10.0.0.0/8", "::1")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := request(remote, xff)
		got := tr.ClientIP(r)
		peer := PeerIP(r)
		if got == peer {
			return
		}
		if !tr.Contains(peer) {
			t.Fatalf("untrusted peer %s but client %s", peer, got)
		}
		for _, hop := range strings.Split(xff, ",") {
			if ip, ok := parseHop(strings.TrimSpace(hop)); ok && ip == got {
				return
			}
		}
		t.Fatalf("client %s is neither the peer %s nor in %q", got, peer, xff)
	})
}
