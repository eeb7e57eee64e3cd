package balancer

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIPKey(t *testing.T) {
	tests := []struct {
		name       string
		remoteAddr string
		xff        string
		want       string
	}{
		{"ipv4", "192.0.2.7:51234", "", "192.0.2.7"},
		{"ipv6", "[2001:db8::1]:443", "", "2001:db8::1"},
		{"no port", "192.0.2.7", "", "192.0.2.7"},
		{"bare ipv6", "2001:db8::1", "", "2001:db8::1"},
		{"forwarded-for is not trusted", "192.0.2.7:1", "203.0.113.9", "192.0.2.7"},
	}
	key := ClientIPKey(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remoteAddr
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := key(r); got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("resolver", func(t *testing.T) {
		resolved := ClientIPKey(func(*http.Request) netip.Addr { return netip.MustParseAddr("198.51.100.4") })
		if got := resolved(httptest.NewRequest(http.MethodGet, "/", nil)); got != "198.51.100.4" {
			t.Fatalf("key = %q, want the resolver's answer", got)
		}
	})
	t.Run("resolver without an answer", func(t *testing.T) {
		unknown := ClientIPKey(func(*http.Request) netip.Addr { return netip.Addr{} })
		if got := unknown(httptest.NewRequest(http.MethodGet, "/", nil)); got != "" {
			t.Fatalf("key = %q, want empty (no affinity)", got)
		}
	})
}

func TestHeaderKey(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Add("X-User", "alice")
	r.Header.Add("X-User", "mallory")
	if got := HeaderKey("x-user")(r); got != "alice" {
		t.Fatalf("HeaderKey(x-user) = %q, want the first value alice", got)
	}
	if got := HeaderKey("X-Tenant")(r); got != "" {
		t.Fatalf("HeaderKey of a missing header = %q, want empty", got)
	}
}

func TestCookieKey(t *testing.T) {
	tests := []struct {
		name    string
		cookies []string
		want    string
	}{
		{"single", []string{"session=abc"}, "abc"},
		{"among others", []string{"theme=dark; session=abc; lang=en"}, "abc"},
		{"second header line; space after = is kept", []string{"theme=dark", " session = abc "}, " abc"},
		{"spaces around pair", []string{"theme=dark;   session=abc  "}, "abc"},
		{"quoted", []string{`session="abc"`}, "abc"},
		{"first of duplicates", []string{"session=one; session=two"}, "one"},
		{"invalid value skipped", []string{`session=a\b; session=good`}, "good"},
		{"prefix is not a match", []string{"sessionid=abc"}, ""},
		{"empty value", []string{"session="}, ""},
		{"missing", nil, ""},
	}
	key := CookieKey("session")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header["Cookie"] = tt.cookies
			if got := key(r); got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
			if got, want := key(r), stdlibCookie(r, "session"); got != want {
				t.Fatalf("key = %q, net/http reads %q", got, want)
			}
		})
	}
	t.Run("invalid name never matches", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", "a b=c")
		if got := CookieKey("a b")(r); got != "" {
			t.Fatalf("CookieKey(%q) = %q, want empty", "a b", got)
		}
	})
}

func stdlibCookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

func TestPathKey(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/videos/42?quality=hd", nil)
	if got := PathKey()(r); got != "/videos/42" {
		t.Fatalf("PathKey = %q, want /videos/42", got)
	}
}

func TestParseKey(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/p", nil)
	r.RemoteAddr = "192.0.2.1:9"
	r.Header.Set("X-User", "alice")
	r.Header.Set("Cookie", "sid=s1")
	tests := []struct {
		spec    string
		want    string
		wantErr bool
	}{
		{"ip", "192.0.2.1", false},
		{"path", "/p", false},
		{"header:X-User", "alice", false},
		{"cookie:sid", "s1", false},
		{"header:", "", true},
		{"cookie:bad name", "", true},
		{"query:q", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			key, err := ParseKey(tt.spec, nil)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidOptions) {
					t.Fatalf("err = %v, want ErrInvalidOptions", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := key(r); got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestKeyFuncsDoNotAllocate(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/a/b", nil)
	r.RemoteAddr = "[2001:db8::1]:443"
	r.Header.Set("X-User", "alice")
	r.Header.Set("Cookie", `theme=dark; session="abc"; lang=en`)
	keys := map[string]KeyFunc{
		"ip": ClientIPKey(nil), "header": HeaderKey("x-user"), "cookie": CookieKey("session"), "path": PathKey(),
	}
	for name, key := range keys {
		t.Run(name, func(t *testing.T) {
			if allocs := testing.AllocsPerRun(100, func() { key(r) }); allocs != 0 {
				t.Fatalf("%.1f allocations per call, want 0", allocs)
			}
		})
	}
}
