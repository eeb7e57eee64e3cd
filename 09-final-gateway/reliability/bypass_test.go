package reliability_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// bypass is one attempt to reach the secret backend past its route's auth.
type bypass struct {
	name   string
	line   string // the request line: "GET /x HTTP/1.1"
	host   string // Host header; "x" when empty
	status int    // what the gateway must answer
	// public is the path the public backend must receive (it alone may answer); ""
	// when no backend may receive the request.
	public string
}

// sendBypass writes b on a raw connection and checks the status, that the secret
// backend received nothing, and what the public backend received.
func sendBypass(t *testing.T, e *attackEnv, b bypass) {
	t.Helper()
	id := rand.Text()[:12]
	host := b.host
	if host == "" {
		host = "x"
	}
	raw := b.line + "\r\nHost: " + host + "\r\nX-Test-Id: " + id + "\r\nConnection: close\r\n\r\n"
	ex := rawExchange(t, e.addr.Web, raw, 2*time.Second)
	if ex.First() != b.status {
		t.Errorf("%q (Host %q): got %v %q, want %d", b.line, host, ex.Statuses, ex.Bodies, b.status)
	}
	e.secretUntouched(t, b.name)
	got := e.public.WithHeader("X-Test-Id", id)
	switch {
	case b.public == "" && len(got) > 0:
		t.Errorf("%q: the public backend received %q", b.line, got[0].RequestURI)
	case b.public != "" && (len(got) != 1 || got[0].Path != b.public):
		t.Errorf("%q: the public backend received %+v, want one request for %q", b.line, got, b.public)
	}
}

// testPathBypass: every spelling of a path is canonicalised once, before routing, and
// that canonical path is the one routed, checked and forwarded (Traefik
// GHSA-gm3x-23wp-hc2c, GHSA-xf64-8mw2-4gr2; Envoy CVE-2019-9901, CVE-2021-29492).
// Ambiguous encodings (an encoded slash or backslash, control characters, bad escapes)
// are refused with 400.
func testPathBypass(t *testing.T, e *attackEnv) {
	for _, b := range []bypass{
		{name: "plain", line: "GET /admin/x HTTP/1.1", status: 401},
		{name: "dot_dot", line: "GET /public/../admin/x HTTP/1.1", status: 401},
		{name: "dot_then_dot_dot", line: "GET /public/./../admin/x HTTP/1.1", status: 401},
		{name: "encoded_dot_dot", line: "GET /public/%2e%2e/admin/x HTTP/1.1", status: 401},
		{name: "encoded_dot_dot_upper", line: "GET /public/%2E%2E/admin/x HTTP/1.1", status: 401},
		{name: "half_encoded_dot_dot", line: "GET /public/.%2e/admin/x HTTP/1.1", status: 401},
		{name: "climb_above_root", line: "GET /../../admin/x HTTP/1.1", status: 401},
		{name: "double_slash", line: "GET //admin/x HTTP/1.1", status: 401},
		{name: "dot_segment_first", line: "GET /./admin HTTP/1.1", status: 401},
		{name: "encoded_letter", line: "GET /%61dmin/x HTTP/1.1", status: 401},
		{name: "query", line: "GET /admin?x=/public HTTP/1.1", status: 401},
		{name: "tomcat_dot_dot_semicolon", line: "GET /admin/..;/x HTTP/1.1", status: 401},
		{name: "encoded_slash", line: "GET /admin%2fx HTTP/1.1", status: 400},
		{name: "encoded_slash_climb", line: "GET /public%2f..%2fadmin HTTP/1.1", status: 400},
		{name: "encoded_slash_after_dots", line: "GET /public/..%2fadmin HTTP/1.1", status: 400},
		{name: "encoded_backslash", line: "GET /public/..%5cadmin HTTP/1.1", status: 400},
		{name: "raw_backslash", line: `GET /public/..\admin HTTP/1.1`, status: 400},
		{name: "encoded_nul", line: "GET /admin%00 HTTP/1.1", status: 400},
		{name: "encoded_newline", line: "GET /admin%0a HTTP/1.1", status: 400},
		{name: "encoded_tab", line: "GET /admin%09 HTTP/1.1", status: 400},
		{name: "bad_escape", line: "GET /admin%zz HTTP/1.1", status: 400},
		{name: "truncated_escape", line: "GET /admin% HTTP/1.1", status: 400},
		{name: "no_leading_slash", line: "GET admin HTTP/1.1", status: 400},
		{name: "asterisk", line: "GET * HTTP/1.1", status: 400},
		// Paths are case-sensitive (RFC 3986 section 6.2.2.1): /ADMIN is not /admin, so
		// it goes to the catch-all route and its backend, never to the secret one.
		{name: "upper_case", line: "GET /ADMIN/x HTTP/1.1", status: 200, public: "/ADMIN/x"},
		{name: "encoded_upper_letter", line: "GET /%41dmin HTTP/1.1", status: 200, public: "/Admin"},
		// Double encoding is decoded once: the public backend gets the literal "%2e%2e".
		{name: "double_encoded_dots", line: "GET /public/%252e%252e/admin/x HTTP/1.1", status: 200, public: "/public/%2e%2e/admin/x"},
		// A path parameter makes another segment: the catch-all route, not /admin.
		{name: "path_parameter", line: "GET /admin;jsessionid=1 HTTP/1.1", status: 200, public: "/admin;jsessionid=1"},
		{name: "fragment_on_the_wire", line: "GET /admin#x HTTP/1.1", status: 200, public: "/admin#x"},
		// Absolute form (RFC 9112 section 3.2.2): the target's host and path are routed.
		{name: "absolute_form", line: "GET http://x/admin/x HTTP/1.1", status: 401},
		{name: "absolute_form_dots", line: "GET http://x/public/../admin/x HTTP/1.1", status: 401},
		{name: "absolute_form_https", line: "GET https://x/admin/x HTTP/1.1", status: 401},
		{name: "absolute_form_admin_host", line: "GET http://admin.example.com/x HTTP/1.1", host: "public.example", status: 401},
	} {
		t.Run(b.name, func(t *testing.T) { sendBypass(t, e, b) })
	}
	t.Run("rewrite_output", func(t *testing.T) { testRewriteOutput(t, e) })
}

// testRewriteOutput: a rewrite rule cannot turn a canonical path into one with dot or
// empty segments ("/new/$1/$2" with $1 = ".." or ""), which the upstream would resolve
// somewhere the route never allowed (Traefik GHSA-cxjq-mrr5-89rv).
func testRewriteOutput(t *testing.T, e *attackEnv) {
	for _, path := range []string{"/legacy/..-admin/x", "/legacy/.-x", "/legacy/-x", "/legacy/%2e%2e-admin"} {
		id := rand.Text()[:12]
		wantStatus(t, get(t, e.addr.Web, path, hdr("X-Test-Id", id)), 200)
		got := e.public.WithHeader("X-Test-Id", id)
		if len(got) != 1 {
			t.Fatalf("%s: the backend received %d copies", path, len(got))
		}
		if !canonical(got[0].Path) {
			t.Errorf("%s was forwarded as %q: the upstream resolves its dot or empty segments itself", path, got[0].Path)
		}
	}
}

// canonical reports whether p starts with "/" and has no empty, "." or ".." segment (a
// trailing slash is allowed): the form the gateway routes on.
func canonical(p string) bool {
	if p == "/" {
		return true
	}
	if !strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p[1:], "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// testHostBypass: host names are matched case-insensitively, without a trailing dot or
// port (Caddy CVE-2026-27588), and only the Host the gateway routed on counts:
// X-Forwarded-Host from an untrusted client is not believed.
func testHostBypass(t *testing.T, e *attackEnv) {
	for _, b := range []bypass{
		{name: "exact", line: "GET /x HTTP/1.1", host: "admin.example.com", status: 401},
		{name: "upper_case", line: "GET /x HTTP/1.1", host: "ADMIN.EXAMPLE.COM", status: 401},
		{name: "mixed_case", line: "GET /x HTTP/1.1", host: "Admin.Example.Com", status: 401},
		{name: "trailing_dot", line: "GET /x HTTP/1.1", host: "admin.example.com.", status: 401},
		{name: "port", line: "GET /x HTTP/1.1", host: "admin.example.com:8080", status: 401},
		{name: "trailing_dot_and_port", line: "GET /x HTTP/1.1", host: "admin.example.com.:80", status: 401},
		{name: "absolute_form_other_host", line: "GET http://public.example/x HTTP/1.1", host: "admin.example.com", status: 200, public: "/x"},
		{name: "userinfo", line: "GET /x HTTP/1.1", host: "admin.example.com@public.example", status: 400},
		{name: "space", line: "GET /x HTTP/1.1", host: "admin.example.com x", status: 400},
		{name: "non_ascii", line: "GET /x HTTP/1.1", host: "\u0430dmin.example.com", status: 400},
	} {
		t.Run(b.name, func(t *testing.T) { sendBypass(t, e, b) })
	}
	t.Run("forwarded_host_ignored", func(t *testing.T) {
		res := get(t, e.addr.Web, "/x", hdr("Host", "public.example", "X-Forwarded-Host", "admin.example.com", "X-Test-Id", "xfh"))
		wantStatus(t, res, 200)
		got := e.public.WithHeader("X-Test-Id", "xfh")
		if len(got) != 1 || got[0].Header.Get("X-Forwarded-Host") != "public.example" {
			t.Fatalf("the backend received %+v, want X-Forwarded-Host public.example (the client's value replaced)", got)
		}
		e.secretUntouched(t, "X-Forwarded-Host")
	})
	t.Run("connect", func(t *testing.T) {
		ex := rawExchange(t, e.addr.Web, "CONNECT public.example:80 HTTP/1.1\r\nHost: public.example:80\r\n\r\n", 500*time.Millisecond)
		if ex.First() != 405 {
			t.Errorf("CONNECT: got %v %q, want 405 (the gateway is not a forward proxy)", ex.Statuses, ex.Bodies)
		}
		if got := e.public.Requests(); len(got) > 0 && strings.EqualFold(got[len(got)-1].Method, "CONNECT") {
			t.Errorf("the public backend received a CONNECT")
		}
		e.secretUntouched(t, "CONNECT")
	})
}
