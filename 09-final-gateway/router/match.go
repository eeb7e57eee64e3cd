package router

import (
	"net/http"
	"strings"
)

// Match returns the route for a request to host (as in the Host header, port allowed)
// with the canonical path, method and header. Hosts are tried from the most specific
// class down: exact name, then wildcard, then routes for any host; within a class the
// longest path wins, then the route with more method and header conditions.
func (t *Table[T]) Match(host, path, method string, header http.Header) (*Route[T], bool) {
	host = hostName(host)
	if e := first(t.exact[host], path, method, header); e != nil {
		return e.route, true
	}
	if i := strings.IndexByte(host, '.'); i > 0 {
		if e := first(t.wildcards[host[i:]], path, method, header); e != nil {
			return e.route, true
		}
	}
	if e := first(t.anyHost, path, method, header); e != nil {
		return e.route, true
	}
	return nil, false
}

// MatchRequest is Match for r with an already canonical path.
func (t *Table[T]) MatchRequest(r *http.Request, path string) (*Route[T], bool) {
	return t.Match(r.Host, path, r.Method, r.Header)
}

func first[T any](list []*entry[T], path, method string, header http.Header) *entry[T] {
	for _, e := range list {
		if e.matchPath(path) && e.matchMethod(method) && e.matchHeaders(header) {
			return e
		}
	}
	return nil
}

func (e *entry[T]) matchPath(p string) bool {
	if e.exact {
		return p == e.path
	}
	if e.path == "/" {
		return true
	}
	return strings.HasPrefix(p, e.path) && (len(p) == len(e.path) || p[len(e.path)] == '/')
}

func (e *entry[T]) matchMethod(m string) bool {
	if len(e.methods) == 0 {
		return true
	}
	for _, want := range e.methods {
		if m == want {
			return true
		}
	}
	return false
}

func (e *entry[T]) matchHeaders(h http.Header) bool {
	for _, kv := range e.headers {
		values := h[kv[0]]
		found := false
		for _, v := range values {
			if v == kv[1] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// hostName lowercases host and removes a port and a trailing dot, without allocating
// when host is already lower case.
func hostName(host string) string {
	if strings.HasPrefix(host, "[") {
		// An IP literal, "[::1]" or "[::1]:8080"; a "[" that no "]" closes is not one,
		// and stays part of the name (found by FuzzMatch: stripping it alone turned
		// "[.example.com" into ".example.com").
		if end := strings.IndexByte(host, ']'); end > 0 {
			host = host[1:end]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	for i := 0; i < len(host); i++ {
		if 'A' <= host[i] && host[i] <= 'Z' {
			return strings.ToLower(host)
		}
	}
	return host
}
