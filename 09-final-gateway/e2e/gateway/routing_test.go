package gateway_test

import (
	"net/http"
	"testing"
)

// testRouting: hosts (exact, wildcard), path prefixes on segment boundaries, exact
// paths, methods, headers, longest match, 404 without a route, 400 for an encoded
// slash, and dot segments resolved before matching, so that the canonical path is the
// one routed and forwarded (no way around a route's auth).
func testRouting(t *testing.T, e *featuresEnv) {
	for _, tc := range []struct {
		name     string
		method   string
		host     string
		path     string
		header   http.Header
		status   int
		backend  string // "" when no backend may receive the request
		received string // the path the backend must receive
	}{
		{name: "host exact", host: "api.example.com", path: "/anything", status: 200, backend: "a", received: "/anything"},
		{name: "host wildcard", host: "www.example.com", path: "/anything", status: 200, backend: "b", received: "/anything"},
		{name: "host case and trailing dot", host: "WWW.Example.COM.", path: "/x", status: 200, backend: "b", received: "/x"},
		{name: "wildcard needs a subdomain", host: "example.com", path: "/anything", status: 404},
		{name: "exact host beats wildcard", host: "api.example.com:8080", path: "/x", status: 200, backend: "a", received: "/x"},
		{name: "prefix itself", path: "/api", status: 200, backend: "a", received: "/api"},
		{name: "prefix subpath", path: "/api/users", status: 200, backend: "a", received: "/api/users"},
		{name: "prefix is a segment", path: "/apix", status: 404},
		{name: "longest prefix wins", path: "/api/v2/users", status: 200, backend: "b", received: "/api/v2/users"},
		{name: "longest prefix on segments", path: "/api/v2x", status: 200, backend: "a", received: "/api/v2x"},
		{name: "exact path", path: "/exact", status: 200, backend: "a", received: "/exact"},
		{name: "exact path only", path: "/exact/more", status: 404},
		{name: "exact path trailing slash", path: "/exact/", status: 404},
		{name: "method allowed", method: "POST", path: "/post-only", status: 200, backend: "b", received: "/post-only"},
		{name: "second method allowed", method: "PUT", path: "/post-only/x", status: 200, backend: "b", received: "/post-only/x"},
		{name: "method not routed", method: "GET", path: "/post-only", status: 404},
		{name: "header match", path: "/canary/x", header: hdr("X-Canary", "yes"), status: 200, backend: "b", received: "/canary/x"},
		{name: "header value differs", path: "/canary/x", header: hdr("X-Canary", "no"), status: 200, backend: "a", received: "/canary/x"},
		{name: "header absent", path: "/canary/x", status: 200, backend: "a", received: "/canary/x"},
		{name: "no route", path: "/nowhere", status: 404},
		{name: "encoded slash", path: "/api%2Fv2/users", status: 400},
		{name: "encoded slash climbing", path: "/public/..%2Fmembers", status: 400},
		{name: "encoded backslash", path: "/public/..%5Cmembers", status: 400},
		{name: "dot dot", path: "/public/../api/v2/x", status: 200, backend: "b", received: "/api/v2/x"},
		{name: "dot and dot dot", path: "/api/./v2/../x", status: 200, backend: "a", received: "/api/x"},
		{name: "repeated slashes", path: "//api//x", status: 200, backend: "a", received: "/api/x"},
		{name: "escaped letters", path: "/%61pi/x", status: 200, backend: "a", received: "/api/x"},
		{name: "dot dot cannot skip auth", path: "/public/../members/x", status: 401},
		{name: "escaped dot dot cannot skip auth", path: "/public/%2e%2e/members/x", status: 401},
		{name: "climb above root", path: "/../../api/x", status: 200, backend: "a", received: "/api/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := newID()
			h := hdr("X-E2e-Id", id)
			for k, vs := range tc.header {
				h[k] = vs
			}
			res := e.web.Do(t, req{Method: tc.method, Host: tc.host, Path: tc.path, Header: h})
			wantStatus(t, res, tc.status)
			for _, b := range []*httpBackend{e.A, e.B} {
				got := b.Received(id)
				switch {
				case b.name != tc.backend && len(got) > 0:
					t.Fatalf("backend %s received the request: %+v", b.name, got[0])
				case b.name == tc.backend && len(got) != 1:
					t.Fatalf("backend %s received %d copies, want 1", b.name, len(got))
				case b.name == tc.backend && got[0].Path != tc.received:
					t.Fatalf("backend %s received path %q, want %q", b.name, got[0].Path, tc.received)
				}
			}
		})
	}
	t.Run("route limited to a listener", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/trusted-only/x"), 404)
		wantStatus(t, e.trusted.Get(t, "/trusted-only/x"), 200)
	})
}
