package balancer

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzCookieKey checks the allocation-free cookie reader against net/http's
// Request.Cookie: for any Cookie header and any valid name, both read the same value.
func FuzzCookieKey(f *testing.F) {
	f.Add("session=abc", "session")
	f.Add(`a=1; session="q"; b=2`, "session")
	f.Add(" session = abc ;", "session")
	f.Add(`session=a"b; session=ok`, "session")
	f.Add("x=;session", "session")
	f.Fuzz(func(t *testing.T, header, name string) {
		if !isToken(name) || strings.Count(header, ";") > 1000 {
			return // net/http drops every cookie of a header with thousands of pairs
		}
		r := &http.Request{Header: http.Header{"Cookie": {header}}}
		got := CookieKey(name)(r)
		if want := stdlibCookie(r, name); got != want {
			t.Fatalf("CookieKey(%q) on %q = %q, net/http reads %q", name, header, got, want)
		}
		if got != "" && !strings.Contains(header, got) {
			t.Fatalf("value %q is not part of the header %q", got, header)
		}
	})
}
