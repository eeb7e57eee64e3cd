// Package headers adds, sets and removes request and response headers per route (the
// course's header_transfor "add|edit|del name value" rules, whose values could not hold
// a space or a comma). Names and values are checked when the route is built: a value
// with a CR or LF would otherwise let config inject headers.
package headers

import (
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
)

// Rules are applied in the order Remove, Set, Add.
type Rules struct {
	// Remove deletes these headers.
	Remove []string
	// Set replaces these headers' values.
	Set map[string]string
	// Add appends a value, keeping existing ones.
	Add map[string]string
}

// Config configures the middleware.
type Config struct {
	// Request rules change what the upstream receives. "Host" in Set changes the Host the
	// upstream sees.
	Request Rules
	// Response rules change what the client receives ("Remove: [Server]").
	Response Rules
}

type compiled struct {
	remove   []string
	set, add [][2]string
}

// compile checks r; field ("Request" or "Response") names it in errors.
func compile(r Rules, field string) (compiled, error) {
	var c compiled
	for _, name := range r.Remove {
		if !validName(name) {
			return c, fmt.Errorf("headers: %s.Remove: invalid header name %q", field, name)
		}
		c.remove = append(c.remove, textproto.CanonicalMIMEHeaderKey(name))
	}
	for _, kv := range []struct {
		m   map[string]string
		dst *[][2]string
		op  string
	}{{r.Set, &c.set, "Set"}, {r.Add, &c.add, "Add"}} {
		for name, value := range kv.m {
			if !validName(name) || !validValue(value) {
				return c, fmt.Errorf("headers: %s.%s: invalid header %q: %q", field, kv.op, name, value)
			}
			*kv.dst = append(*kv.dst, [2]string{textproto.CanonicalMIMEHeaderKey(name), value})
		}
	}
	return c, nil
}

func (c compiled) apply(h http.Header) {
	for _, name := range c.remove {
		h.Del(name)
	}
	for _, kv := range c.set {
		h[kv[0]] = []string{kv[1]}
	}
	for _, kv := range c.add {
		h[kv[0]] = append(h[kv[0]], kv[1])
	}
}

func (c compiled) empty() bool { return len(c.remove)+len(c.set)+len(c.add) == 0 }

// validValue reports whether s may be sent as a header value: no control character but
// HTAB (RFC 9110 section 5.5). net/http's Transport refuses to send anything else, so a
// rule with one would fail every request of its route.
func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// validName reports whether s is an RFC 9110 token.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

type middleware struct {
	next          http.Handler
	req, resp     compiled
	host          string
	hasHost, hasR bool
}

// New returns the header middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	req, err := compile(cfg.Request, "Request")
	if err != nil {
		return nil, err
	}
	resp, err := compile(cfg.Response, "Response")
	if err != nil {
		return nil, err
	}
	m := &middleware{next: next, req: req, resp: resp, hasR: !resp.empty()}
	// net/http keeps Host out of Header: it lives in r.Host.
	m.host, m.hasHost = cfg.Request.Set["Host"]
	m.req.set = slices.DeleteFunc(m.req.set, func(kv [2]string) bool { return kv[0] == "Host" })
	return m, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.req.apply(r.Header)
	if m.hasHost {
		r.Host = m.host
	}
	if !m.hasR {
		m.next.ServeHTTP(w, r)
		return
	}
	rw := &responseWriter{ResponseWriter: w, rules: m.resp}
	m.next.ServeHTTP(rw, r)
	if !rw.applied { // next wrote nothing: net/http sends its empty 200 with these headers
		rw.applied = true
		rw.rules.apply(w.Header())
	}
}

// responseWriter applies the response rules just before the status goes out.
type responseWriter struct {
	http.ResponseWriter
	rules   compiled
	applied bool
}

func (rw *responseWriter) WriteHeader(code int) {
	if !rw.applied && code >= 200 {
		rw.applied = true
		rw.rules.apply(rw.ResponseWriter.Header())
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *responseWriter) Write(p []byte) (int, error) {
	if !rw.applied {
		rw.WriteHeader(http.StatusOK)
	}
	return rw.ResponseWriter.Write(p)
}

func (rw *responseWriter) Flush() {
	if !rw.applied {
		rw.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush() // an unflushable writer is not an error here
}

// Unwrap lets http.ResponseController reach the connection.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
