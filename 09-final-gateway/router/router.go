package router

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Route is one entry of a routing table: what it matches, and the value (a handler,
// typically) it leads to. Empty fields match anything.
type Route[T any] struct {
	// Name identifies the route in errors, logs and metrics.
	Name string
	// Hosts the route serves: exact names ("api.example.com") or one-label wildcards
	// ("*.example.com" matches "a.example.com", not "a.b.example.com"). Empty: any host.
	Hosts []string
	// PathPrefix matches on segment boundaries: "/api" matches "/api", "/api/" and
	// "/api/users", never "/apis". Empty or "/" matches every path.
	PathPrefix string
	// Path matches one canonical path exactly. Set Path or PathPrefix, not both.
	Path string
	// Methods the route accepts; empty accepts any.
	Methods []string
	// Headers that must be present with exactly these values.
	Headers map[string]string
	// Value is what a match returns.
	Value T
}

// Table is an immutable routing table. Match is safe for concurrent use and does not
// allocate.
type Table[T any] struct {
	exact     map[string][]*entry[T] // by host
	wildcards map[string][]*entry[T] // by the suffix after "*", e.g. ".example.com"
	anyHost   []*entry[T]
	size      int
}

type entry[T any] struct {
	route   *Route[T]
	order   int    // declaration order, the last tie-breaker
	exact   bool   // Path rather than PathPrefix
	path    string // the exact path or the prefix (without a trailing slash, except "/")
	methods []string
	headers [][2]string // canonical name, value
}

// NewTable builds a table from routes, checking each. Two routes that match exactly
// the same requests are an error naming both.
func NewTable[T any](routes []Route[T]) (*Table[T], error) {
	t := &Table[T]{exact: map[string][]*entry[T]{}, wildcards: map[string][]*entry[T]{}, size: len(routes)}
	seen := map[string]string{} // match signature -> route name
	for i := range routes {
		r := &routes[i]
		e, err := newEntry(r, i)
		if err != nil {
			return nil, err
		}
		hosts := r.Hosts
		if len(hosts) == 0 {
			hosts = []string{""}
		}
		for _, h := range hosts {
			host, err := normalizeRouteHost(h)
			if err != nil {
				return nil, fmt.Errorf("route %q: %w", r.Name, err)
			}
			sig := signature(host, e)
			if other, dup := seen[sig]; dup {
				return nil, fmt.Errorf("routes %q and %q match the same requests", other, r.Name)
			}
			seen[sig] = r.Name
			t.add(host, e)
		}
	}
	t.sort()
	return t, nil
}

// Len is the number of routes in the table.
func (t *Table[T]) Len() int { return t.size }

func newEntry[T any](r *Route[T], order int) (*entry[T], error) {
	e := &entry[T]{route: r, order: order}
	switch {
	case r.Path != "" && r.PathPrefix != "":
		return nil, fmt.Errorf("route %q: set path or path_prefix, not both", r.Name)
	case r.Path != "":
		if err := checkRoutePath(r.Path); err != nil {
			return nil, fmt.Errorf("route %q: path: %w", r.Name, err)
		}
		e.exact, e.path = true, r.Path
	default:
		prefix := cmp.Or(r.PathPrefix, "/")
		if err := checkRoutePath(prefix); err != nil {
			return nil, fmt.Errorf("route %q: path_prefix: %w", r.Name, err)
		}
		if len(prefix) > 1 {
			prefix = strings.TrimSuffix(prefix, "/")
		}
		e.path = prefix
	}
	for _, m := range r.Methods {
		e.methods = append(e.methods, strings.ToUpper(m))
	}
	for name, value := range r.Headers {
		e.headers = append(e.headers, [2]string{http.CanonicalHeaderKey(name), value})
	}
	slices.SortFunc(e.headers, func(a, b [2]string) int { return cmp.Compare(a[0], b[0]) })
	slices.Sort(e.methods)
	return e, nil
}

// checkRoutePath requires a configured path to be in canonical form already, so that
// what an operator writes is exactly what is compared.
func checkRoutePath(p string) error {
	c, err := CanonicalPath(p)
	if err != nil {
		return err
	}
	if c != p {
		return fmt.Errorf("%q is not canonical (did you mean %q?)", p, c)
	}
	return nil
}

func normalizeRouteHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	switch {
	case h == "":
		return "", nil
	case strings.Contains(h, ":"):
		return "", fmt.Errorf("host %q: give the name without a port", h)
	case strings.HasPrefix(h, "*."):
		if strings.Contains(h[2:], "*") || len(h) < 3 {
			return "", fmt.Errorf("host %q: only a leading one-label wildcard (*.example.com) is supported", h)
		}
	case strings.Contains(h, "*"):
		return "", fmt.Errorf("host %q: only a leading one-label wildcard (*.example.com) is supported", h)
	}
	return h, nil
}

func signature[T any](host string, e *entry[T]) string {
	return fmt.Sprintf("%s|%v|%s|%v|%v", host, e.exact, e.path, e.methods, e.headers)
}

func (t *Table[T]) add(host string, e *entry[T]) {
	switch {
	case host == "":
		t.anyHost = append(t.anyHost, e)
	case strings.HasPrefix(host, "*."):
		t.wildcards[host[1:]] = append(t.wildcards[host[1:]], e)
	default:
		t.exact[host] = append(t.exact[host], e)
	}
}

// sort orders each candidate list so that the first match is the most specific one:
// exact paths before prefixes, longer paths first, more constraints first, then the
// order of declaration.
func (t *Table[T]) sort() {
	less := func(a, b *entry[T]) int {
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(len(b.path), len(a.path)),
			cmp.Compare(constraints(b), constraints(a)),
			cmp.Compare(a.order, b.order),
		)
	}
	for _, list := range t.exact {
		slices.SortStableFunc(list, less)
	}
	for _, list := range t.wildcards {
		slices.SortStableFunc(list, less)
	}
	slices.SortStableFunc(t.anyHost, less)
}

func constraints[T any](e *entry[T]) int {
	n := len(e.headers)
	if len(e.methods) > 0 {
		n++
	}
	return n
}
