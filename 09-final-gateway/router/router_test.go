package router

import (
	"net/http"
	"strings"
	"testing"
)

func table(t *testing.T, routes ...Route[string]) *Table[string] {
	t.Helper()
	for i := range routes {
		routes[i].Value = routes[i].Name
	}
	tb, err := NewTable(routes)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestMatch(t *testing.T) {
	tb := table(t,
		Route[string]{Name: "catch-all"},
		Route[string]{Name: "api", PathPrefix: "/api"},
		Route[string]{Name: "api-v2", PathPrefix: "/api/v2"},
		Route[string]{Name: "health", Path: "/api/health"},
		Route[string]{Name: "api-post", PathPrefix: "/api", Methods: []string{"post"}},
		Route[string]{Name: "api-canary", PathPrefix: "/api", Headers: map[string]string{"x-canary": "1"}},
		Route[string]{Name: "admin-host", Hosts: []string{"Admin.Example.com"}, PathPrefix: "/"},
		Route[string]{Name: "tenant", Hosts: []string{"*.example.com"}, PathPrefix: "/"},
		Route[string]{Name: "tenant-api", Hosts: []string{"*.example.com"}, PathPrefix: "/api"},
	)
	tests := []struct {
		name, host, path, method string
		header                   http.Header
		want                     string
	}{
		{"root", "x.test", "/", "GET", nil, "catch-all"},
		{"prefix", "x.test", "/api/users", "GET", nil, "api"},
		{"prefix itself", "x.test", "/api", "GET", nil, "api"},
		{"prefix trailing slash", "x.test", "/api/", "GET", nil, "api"},
		{"segment boundary", "x.test", "/apis", "GET", nil, "catch-all"},
		{"longest prefix wins", "x.test", "/api/v2/users", "GET", nil, "api-v2"},
		{"not a v2 segment", "x.test", "/api/v20", "GET", nil, "api"},
		{"exact beats prefix", "x.test", "/api/health", "GET", nil, "health"},
		{"exact is exact", "x.test", "/api/health/x", "GET", nil, "api"},
		{"method constraint", "x.test", "/api/users", "POST", nil, "api-post"},
		{"header constraint", "x.test", "/api/users", "GET", http.Header{"X-Canary": {"1"}}, "api-canary"},
		{"header value must match", "x.test", "/api/users", "GET", http.Header{"X-Canary": {"0"}}, "api"},
		{"exact host, case and port ignored", "ADMIN.example.com:8443", "/api", "GET", nil, "admin-host"},
		{"exact host trailing dot", "admin.example.com.", "/x", "GET", nil, "admin-host"},
		{"wildcard host", "acme.example.com", "/x", "GET", nil, "tenant"},
		{"wildcard host longest path", "acme.example.com", "/api/x", "GET", nil, "tenant-api"},
		{"wildcard is one label", "a.b.example.com", "/x", "GET", nil, "catch-all"},
		{"wildcard needs a label", "example.com", "/x", "GET", nil, "catch-all"},
		{"ipv6 host", "[::1]:8080", "/api", "GET", nil, "api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := tb.Match(tt.host, tt.path, tt.method, tt.header)
			if !ok {
				t.Fatalf("no match, want %s", tt.want)
			}
			if r.Value != tt.want {
				t.Errorf("matched %s, want %s", r.Value, tt.want)
			}
		})
	}
}

func TestNoRoute(t *testing.T) {
	tb := table(t, Route[string]{Name: "api", PathPrefix: "/api", Methods: []string{"GET"}})
	for _, c := range []struct{ path, method string }{{"/", "GET"}, {"/api", "DELETE"}, {"/apix", "GET"}} {
		if r, ok := tb.Match("x", c.path, c.method, nil); ok {
			t.Errorf("%s %s matched %s, want no route (404)", c.method, c.path, r.Name)
		}
	}
}

func TestHostClassBeforePathLength(t *testing.T) {
	// nginx's rule: the server (host) is chosen first, then the location (path).
	tb := table(t,
		Route[string]{Name: "any-host-long", PathPrefix: "/admin/panel"},
		Route[string]{Name: "host-short", Hosts: []string{"api.example.com"}, PathPrefix: "/"},
	)
	r, _ := tb.Match("api.example.com", "/admin/panel", "GET", nil)
	if r.Name != "host-short" {
		t.Errorf("matched %s, want host-short", r.Name)
	}
}

func TestNewTableErrors(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route[string]
		want   string
	}{
		{"duplicate", []Route[string]{{Name: "a", PathPrefix: "/x"}, {Name: "b", PathPrefix: "/x/"}}, `routes "a" and "b" match the same requests`},
		{"path and prefix", []Route[string]{{Name: "a", Path: "/x", PathPrefix: "/x"}}, "not both"},
		{"non-canonical path", []Route[string]{{Name: "a", PathPrefix: "/x/../y"}}, `did you mean "/y"`},
		{"encoded slash", []Route[string]{{Name: "a", Path: "/a%2Fb"}}, "encoded slash"},
		{"port in host", []Route[string]{{Name: "a", Hosts: []string{"a.test:80"}}}, "without a port"},
		{"inner wildcard", []Route[string]{{Name: "a", Hosts: []string{"a.*.test"}}}, "wildcard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTable(tt.routes)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewTable error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	tb := table(t,
		Route[string]{Name: "api", PathPrefix: "/api"},
		Route[string]{Name: "tenant", Hosts: []string{"*.example.com"}, PathPrefix: "/v1", Methods: []string{"GET"}},
		Route[string]{Name: "h", Hosts: []string{"a.example.com"}, Path: "/exact", Headers: map[string]string{"X-A": "1"}},
	)
	h := http.Header{"X-A": {"1"}}
	for _, host := range []string{"a.example.com:443", "b.example.com", "other.test"} {
		if n := testing.AllocsPerRun(100, func() { tb.Match(host, "/api/users/42", "GET", h) }); n != 0 {
			t.Errorf("Match(%s) allocates %v times", host, n)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	var routes []Route[int]
	for i := range 50 {
		routes = append(routes, Route[int]{Name: "r" + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			PathPrefix: "/svc" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Value: i})
	}
	tb, err := NewTable(routes)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tb.Match("api.example.com", "/svcxb/users/42", "GET", nil)
	}
}
