package rewrite_test

import (
	"strings"
	"testing"

	"gatewaylab/07-middleware/rewrite"
)

// fuzzRules are rewrites an operator writes: move a prefix, split a segment, move a
// named segment, a relative replacement.
var fuzzRules = []rewrite.Rule{
	{Match: `^/api/(.*)$`, Replace: "/v2/$1"},
	{Match: `^/legacy/([^/]*)-(.*)$`, Replace: "/new/$1/$2"},
	{Match: `^/(?P<tenant>[^/]+)/files/(.*)$`, Replace: "/files/${tenant}/$2"},
	{Match: `^/old$`, Replace: "new"},
}

// FuzzRewrite rewrites canonical paths (what the gateway's router hands on: no dot
// segments, no empty segments) with fuzzRules. The result must be canonical too: the
// upstream must receive the path the gateway means, not one with a "/../" or "//" that
// it would resolve somewhere else (Traefik GHSA-cxjq-mrr5-89rv, where ReplacePathRegex
// produced "/../admin"). A path no rule matches is left alone.
//
// Run it longer with: go test ./07-middleware/rewrite -run '^$' -fuzz FuzzRewrite -fuzztime 1m
func FuzzRewrite(f *testing.F) {
	for _, p := range []string{"/api/users", "/legacy/books-42", "/acme/files/a/b", "/old", "/elsewhere/"} {
		f.Add(p)
	}
	rw, err := rewrite.NewRewriter(fuzzRules)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !canonical(path) {
			return
		}
		out, ok := rw.Rewrite(path)
		switch {
		case !ok && out != path:
			t.Fatalf("no rule matched %q, yet it became %q", path, out)
		case !canonical(out):
			t.Fatalf("%q was rewritten to %q, which the upstream would resolve differently", path, out)
		}
	})
}

// canonical reports whether p starts with "/" and has no empty, "." or ".." segment
// (a trailing slash is allowed), as the gateway's router.CanonicalPath leaves paths.
func canonical(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	if p == "/" {
		return true
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p[1:], "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
