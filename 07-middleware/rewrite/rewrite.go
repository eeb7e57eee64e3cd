// Package rewrite changes a request's path with regular expressions before it goes
// upstream (the course's url_rewrite "^/a/(.*) /b/$1"). Each pattern is compiled once,
// when the route is built; an invalid one is a configuration error, not something
// skipped on every request (the course compiled them per request and ignored failures).
package rewrite

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strings"

	"gatewaylab/07-middleware/internal/reqpath"
)

// Rule rewrites paths matching Match to Replace, which may use $1, ${name} (see
// regexp.Regexp.Expand).
type Rule struct {
	Match   string
	Replace string
}

// Config configures the middleware.
type Config struct {
	// Rules are tried in order; the first that matches rewrites the path and the rest
	// are skipped, so rules cannot chain into surprises. Required.
	Rules []Rule
}

// Rewriter holds compiled rules. It is immutable and safe for concurrent use.
type Rewriter struct {
	rules []compiledRule
}

type compiledRule struct {
	re      *regexp.Regexp
	replace string
}

// NewRewriter compiles rules; the error names the rule that does not compile.
func NewRewriter(rules []Rule) (*Rewriter, error) {
	if len(rules) == 0 {
		return nil, fmt.Errorf("rewrite: Rules is required")
	}
	rw := &Rewriter{}
	for i, r := range rules {
		re, err := regexp.Compile(r.Match)
		if err != nil {
			return nil, fmt.Errorf("rewrite: Rules[%d].Match: %w", i, err)
		}
		rw.rules = append(rw.rules, compiledRule{re: re, replace: r.Replace})
	}
	return rw, nil
}

// Rewrite applies the first matching rule to path and reports whether one matched. The
// result always starts with "/".
func (rw *Rewriter) Rewrite(path string) (string, bool) {
	for _, r := range rw.rules {
		if r.re.MatchString(path) {
			out := r.re.ReplaceAllString(path, r.replace)
			return clean(out), true
		}
	}
	return path, false
}

// clean makes a replacement's result canonical: rooted, without the dot segments or
// empty segments a capture may have put there ("/new/$1/$2" with $1 = ".." or ""),
// keeping a trailing slash. The upstream then receives the path the gateway means, not
// one it would resolve somewhere else (Traefik GHSA-cxjq-mrr5-89rv).
func clean(p string) string {
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// OriginalPathHeader carries the path before rewriting, for the upstream's logs.
const OriginalPathHeader = "X-Replaced-Path"

type middleware struct {
	next http.Handler
	rw   *Rewriter
}

// New compiles the rules and returns the rewrite middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	rw, err := NewRewriter(cfg.Rules)
	if err != nil {
		return nil, err
	}
	return &middleware{next: next, rw: rw}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out, ok := m.rw.Rewrite(r.URL.Path)
	if !ok {
		m.next.ServeHTTP(w, r)
		return
	}
	r2 := reqpath.With(r, out, "")
	r2.Header.Set(OriginalPathHeader, r.URL.Path)
	m.next.ServeHTTP(w, r2)
}
