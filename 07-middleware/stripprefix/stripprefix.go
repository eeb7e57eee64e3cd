// Package stripprefix removes a route's path prefix before the request goes upstream:
// a service mounted at /orders receives /orders/42 as /42 (the course's need_strip_uri).
//
// Prefixes end on a segment boundary: /api strips /api and /api/x but leaves /apix
// alone (the course used strings.Replace, which also cut /apix to x). The removed
// prefix is passed on in X-Forwarded-Prefix so the upstream can build its own links.
package stripprefix

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"gatewaylab/07-middleware/internal/reqpath"
)

// Config configures the middleware.
type Config struct {
	// Prefixes are tried longest first; each starts with "/" and is not "/" alone.
	Prefixes []string
}

type middleware struct {
	next     http.Handler
	prefixes []string
}

// New returns the strip-prefix middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if len(cfg.Prefixes) == 0 {
		return nil, fmt.Errorf("stripprefix: Prefixes is required")
	}
	ps := make([]string, 0, len(cfg.Prefixes))
	for _, p := range cfg.Prefixes {
		p = strings.TrimSuffix(p, "/")
		if !strings.HasPrefix(p, "/") || p == "" {
			return nil, fmt.Errorf("stripprefix: prefix %q must start with / and not be / alone", p)
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b string) int { return len(b) - len(a) })
	return &middleware{next: next, prefixes: ps}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, p := range m.prefixes {
		if rest, ok := Cut(r.URL.Path, p); ok {
			// The caller's request keeps its path: an outer access log reports the original.
			r2 := reqpath.With(r, rest, stripRaw(r.URL.RawPath, p))
			r2.Header.Set("X-Forwarded-Prefix", p)
			m.next.ServeHTTP(w, r2)
			return
		}
	}
	m.next.ServeHTTP(w, r)
}

// Cut removes prefix from path on a segment boundary, returning "/" for an exact match.
func Cut(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	switch {
	case !ok:
		return path, false
	case rest == "":
		return "/", true
	case rest[0] == '/':
		return rest, true
	default:
		return path, false
	}
}

// stripRaw strips the prefix from the encoded path too, when there is one (a path with
// %2F in it). If the encoded form does not start with the prefix it is dropped, and Go
// encodes Path again when the request is sent.
func stripRaw(raw, prefix string) string {
	if rest, ok := Cut(raw, prefix); ok && raw != "" {
		return rest
	}
	return ""
}
