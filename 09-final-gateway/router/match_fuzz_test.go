package router

import (
	"net/http"
	"strings"
	"testing"
)

// fuzzRoutes is a table with every kind of condition: exact and wildcard hosts,
// nested prefixes, an exact path, methods and a header.
var fuzzRoutes = []Route[string]{
	{Name: "site", PathPrefix: "/"},
	{Name: "api", PathPrefix: "/api"},
	{Name: "api-v2", PathPrefix: "/api/v2"},
	{Name: "login", Path: "/api/login", Methods: []string{"POST"}},
	{Name: "canary", PathPrefix: "/api", Headers: map[string]string{"X-Canary": "yes"}},
	{Name: "admin", Hosts: []string{"admin.example.com"}, PathPrefix: "/"},
	{Name: "admin-api", Hosts: []string{"admin.example.com"}, PathPrefix: "/api"},
	{Name: "tenants", Hosts: []string{"*.example.com"}, PathPrefix: "/"},
	{Name: "tenant-upload", Hosts: []string{"*.example.com"}, PathPrefix: "/upload", Methods: []string{"PUT", "POST"}},
}

// FuzzMatch checks Match against a plain reading of the routing rules, for any host,
// path (canonicalised first, as the gateway does), method and canary header:
//
//   - the route returned matches the request, and none is returned only when no route
//     matches;
//   - no matching route of a more specific host class (exact, then wildcard, then any)
//     was passed over, and within the class none is more specific (exact path over
//     prefix, longer path, more conditions);
//   - the host's case, a trailing dot and a port do not change the answer.
func FuzzMatch(f *testing.F) {
	for _, s := range [][3]string{
		{"admin.example.com", "/api/x", "GET"}, {"ADMIN.example.com.:8080", "/api", "POST"},
		{"a.example.com", "/upload/file", "PUT"}, {"a.b.example.com", "/upload", "PUT"}, {"example.com", "/api/v2/x", "GET"},
		{"x", "/api/login", "POST"}, {"x", "/api/login", "GET"}, {"[::1]:80", "/apiary", "GET"}, {"", "/", ""},
	} {
		f.Add(s[0], s[1], s[2], true)
	}
	routes := append([]Route[string](nil), fuzzRoutes...)
	for i := range routes {
		routes[i].Value = routes[i].Name
	}
	table, err := NewTable(routes)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, host, rawPath, method string, canary bool) {
		path, err := CanonicalPath(rawPath)
		if err != nil {
			return
		}
		header := http.Header{}
		if canary {
			header.Set("X-Canary", "yes")
		}
		got, ok := table.Match(host, path, method, header)
		want := bestMatch(routes, host, path, method, header)
		switch {
		case !ok && want != nil:
			t.Fatalf("Match(%q, %q, %q) found nothing; route %q matches", host, path, method, want.Name)
		case ok && want == nil:
			t.Fatalf("Match(%q, %q, %q) = %q, but no route matches", host, path, method, got.Name)
		case ok && got.Name != want.Name:
			t.Fatalf("Match(%q, %q, %q) = %q, want the more specific %q", host, path, method, got.Name, want.Name)
		}
		if again, _ := table.Match(strings.ToUpper(host)+".", path, method, header); again != got && !strings.HasSuffix(host, ".") {
			t.Fatalf("host %q and %q. route differently", host, strings.ToUpper(host))
		}
	})
}

// bestMatch is the routing rule written out plainly: among the routes that match, the
// most specific host class wins, then an exact path, then the longest path, then the
// most conditions, then the first declared.
func bestMatch(routes []Route[string], host, path, method string, header http.Header) *Route[string] {
	name := plainHost(host)
	var best *Route[string]
	bestRank := [5]int{}
	for i := range routes {
		r := &routes[i]
		class := hostClass(r, name)
		if class < 0 || !plainPathMatch(r, path) || !plainMethod(r, method) || !plainHeaders(r, header) {
			continue
		}
		exact, length := 0, len(strings.TrimSuffix(r.PathPrefix, "/"))
		if r.Path != "" {
			exact, length = 1, len(r.Path)
		}
		conditions := len(r.Headers)
		if len(r.Methods) > 0 {
			conditions++
		}
		rank := [5]int{class, exact, length, conditions, -i}
		if best == nil || greater(rank, bestRank) {
			best, bestRank = r, rank
		}
	}
	return best
}

func greater(a, b [5]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

// plainHost lowercases host and drops a port and a trailing dot.
func plainHost(host string) string {
	if strings.HasPrefix(host, "[") {
		if end := strings.IndexByte(host, ']'); end > 0 {
			host = host[1:end]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// hostClass is 2 for an exact host match, 1 for a wildcard, 0 for a route for any host,
// -1 when the route's hosts do not match.
func hostClass(r *Route[string], host string) int {
	if len(r.Hosts) == 0 {
		return 0
	}
	for _, h := range r.Hosts {
		switch {
		case h == host:
			return 2
		case strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) &&
			len(host) > len(h)-1 && !strings.Contains(host[:len(host)-len(h)+1], "."):
			return 1
		}
	}
	return -1
}

func plainPathMatch(r *Route[string], path string) bool {
	if r.Path != "" {
		return path == r.Path
	}
	prefix := strings.TrimSuffix(r.PathPrefix, "/")
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

func plainMethod(r *Route[string], method string) bool {
	if len(r.Methods) == 0 {
		return true
	}
	for _, m := range r.Methods {
		if m == method {
			return true
		}
	}
	return false
}

func plainHeaders(r *Route[string], header http.Header) bool {
	for k, v := range r.Headers {
		if header.Get(k) != v {
			return false
		}
	}
	return true
}
