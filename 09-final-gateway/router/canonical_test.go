package router

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonicalPath(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "/"},
		{"/", "/"},
		{"/api/users", "/api/users"},
		{"/api/users/", "/api/users/"},
		{"/%61dmin", "/admin"},
		{"/a%20b", "/a b"},
		{"/a/./b", "/a/b"},
		{"/a/b/../c", "/a/c"},
		{"/a/b/..", "/a/"},
		{"/../../etc/passwd", "/etc/passwd"},
		{"//admin", "/admin"},
		{"/public/%2e%2e/admin", "/admin"},
		{"/public/%2E%2E/admin", "/admin"},
		{"/public/.%2e/admin", "/admin"},
		{"/a/.hidden", "/a/.hidden"},
		{"/a/..b", "/a/..b"},
		{"/a/.", "/a/"},
		{"/%252F", "/%2F"}, // double encoding decodes once: a literal "%2F", not a slash
		{"/caf%C3%A9", "/café"},
	}
	for _, tt := range tests {
		got, err := CanonicalPath(tt.in)
		if err != nil {
			t.Errorf("CanonicalPath(%q) error %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("CanonicalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalPathRefuses(t *testing.T) {
	for _, in := range []string{
		"/public%2F..%2Fadmin", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00b", "/a%0Ab", "/a%zz", "/a%4", "no-slash", "/a\x01",
	} {
		_, err := CanonicalPath(in)
		if !errors.Is(err, ErrBadPath) {
			t.Errorf("CanonicalPath(%q) = %v, want ErrBadPath", in, err)
		}
	}
}

func TestCanonicalPathCleanDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { CanonicalPath("/api/v1/users/42") }); n != 0 {
		t.Errorf("allocs = %v, want 0", n)
	}
}

// FuzzCanonicalPath: the canonical form is a fixed point (canonicalising it again,
// escaped, changes nothing), starts with "/", and has no dot segments, empty segments
// or control characters left.
func FuzzCanonicalPath(f *testing.F) {
	for _, s := range []string{"/", "/a/../b", "/%2e%2e/x", "//a//b/", "/a%2Fb", "/%252F", "/caf%C3%A9/./"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := CanonicalPath(in)
		if err != nil {
			if !errors.Is(err, ErrBadPath) {
				t.Fatalf("error %v does not wrap ErrBadPath", err)
			}
			return
		}
		if !strings.HasPrefix(got, "/") {
			t.Fatalf("%q -> %q does not start with /", in, got)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(got[1:], "/"), "/") {
			if (seg == "" && got != "/") || seg == "." || seg == ".." {
				t.Fatalf("%q -> %q keeps segment %q", in, got, seg)
			}
		}
		again, err := CanonicalPath(escapePercent(got))
		if err != nil || again != got {
			t.Fatalf("not a fixed point: %q -> %q -> %q (%v)", in, got, again, err)
		}
	})
}

// escapePercent escapes only '%' so that a canonical path can be fed back in.
func escapePercent(s string) string { return strings.ReplaceAll(s, "%", "%25") }
