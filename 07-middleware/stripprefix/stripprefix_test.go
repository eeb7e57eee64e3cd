package stripprefix_test

import (
	"io"
	"net/http"
	"testing"

	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/stripprefix"
)

func TestStripOnSegmentBoundaries(t *testing.T) {
	srv := testhttp.Serve(t, testhttp.Build(t, stripprefix.New, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Path+" "+r.URL.RawPath+" "+r.Header.Get("X-Forwarded-Prefix")+" "+r.URL.RawQuery)
	}), stripprefix.Config{Prefixes: []string{"/api", "/api/v2/"}}))
	tests := []struct{ path, want string }{
		{"/api/users?id=1", "/users  /api id=1"},
		{"/api", "/  /api "},
		{"/api/v2/users", "/users  /api/v2 "}, // longest prefix first
		{"/apix/users", "/apix/users   "},     // not a segment boundary
		{"/other", "/other   "},
		{"/api/a%2Fb", "/a/b /a%2Fb /api "}, // the encoded form is stripped too
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b := testhttp.Get(t, srv.URL+tt.path, nil).Body
			if b != tt.want {
				t.Errorf("GET %s: upstream saw %q; want %q", tt.path, b, tt.want)
			}
		})
	}
}

func TestBadPrefixes(t *testing.T) {
	for _, p := range [][]string{nil, {"/"}, {"api"}} {
		if _, err := stripprefix.New(http.NotFoundHandler(), stripprefix.Config{Prefixes: p}); err == nil {
			t.Errorf("New(%q) succeeded; want an error", p)
		}
	}
}

func FuzzCut(f *testing.F) {
	for _, s := range [][2]string{{"/api/x", "/api"}, {"/api", "/api"}, {"/apix", "/api"}, {"", "/a"}, {"/a//b", "/a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, prefix string) {
		rest, ok := stripprefix.Cut(path, prefix)
		if !ok {
			if rest != path {
				t.Fatalf("Cut(%q, %q) changed the path to %q without matching", path, prefix, rest)
			}
			return
		}
		if rest == "" || rest[0] != '/' {
			t.Fatalf("Cut(%q, %q) = %q; a stripped path must start with /", path, prefix, rest)
		}
		// Round trip: putting the prefix back gives the original path.
		if back := prefix + rest; back != path && !(rest == "/" && prefix == path) {
			t.Fatalf("Cut(%q, %q) = %q; prefix+rest = %q", path, prefix, rest, back)
		}
	})
}
