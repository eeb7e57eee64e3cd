package servemux_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"gatewaylab/02-tcp-udp-http/servemux"
)

// TestHowServeMuxPicks is the lesson's main table: each row is a request and
// what ServeMux did with it, given servemux.LessonPatterns.
func TestHowServeMuxPicks(t *testing.T) {
	mux, err := servemux.NewMux(servemux.LessonPatterns...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, target, want string
	}{
		{"wildcard matches one segment", "GET", "/items/42", "200 GET /items/{id} id=42"},
		{"literal beats wildcard", "GET", "/items/latest", "200 GET /items/latest"},
		{"GET also matches HEAD", "HEAD", "/items/42", "200 GET /items/{id} id=42"},
		{"method picks the pattern", "DELETE", "/items/42", "200 DELETE /items/{id} id=42"},
		{"path matches, method does not: 405", "POST", "/items/42", "405 Allow: DELETE, GET, HEAD"},
		{"{id} does not match two segments", "GET", "/items/42/extra", "404 Not Found"},
		{"{path...} matches the rest", "PUT", "/files/a/b/c.txt", "200 /files/{path...} path=a/b/c.txt"},
		{"{path...} matches nothing too", "GET", "/files/", "200 /files/{path...} path="},
		{"trailing slash pattern matches the subtree", "GET", "/static/css/site.css", "200 GET /static/"},
		{"subtree root without slash redirects", "GET", "/static", "307 redirect to /static/"},
		{"{$} matches only the exact path", "GET", "/exact/", "200 GET /exact/{$}"},
		{"{$} does not match below", "GET", "/exact/more", "404 Not Found"},
		{"unclean path redirects", "GET", "/a/../items/7", "307 redirect to /items/7"},
		{"host pattern wins for its host", "GET", "http://api.example.com/items/42", "200 api.example.com/"},
		{"other hosts use host-less patterns", "GET", "http://www.example.com/items/42", "200 GET /items/{id} id=42"},
		{"nothing matches", "GET", "/nope", "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := servemux.Resolve(mux, tt.method, tt.target).String(); got != tt.want {
				t.Errorf("%s %s -> %q; want %q", tt.method, tt.target, got, tt.want)
			}
		})
	}
}

// TestRegisterRejects shows the patterns ServeMux refuses at registration
// (it panics; Register returns the panic as an error).
func TestRegisterRejects(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		pattern  string
		wantMsg  string // part of the error; empty means accepted
	}{
		{"same pattern twice", []string{"GET /items/{id}"}, "GET /items/{id}", "conflicts with"},
		{"same shape, other wildcard name", []string{"GET /items/{id}"}, "GET /items/{name}", "conflicts with"},
		{"neither more specific", []string{"/a/{x}"}, "/{y}/b", "conflicts with"},
		{"method-less is less specific: accepted", []string{"GET /items/{id}"}, "/items/{id}", ""},
		{"literal is more specific: accepted", []string{"/a/{x}"}, "/a/b", ""},
		{"unclosed wildcard", nil, "/items/{id", "bad wildcard"},
		{"... not at the end", nil, "/files/{path...}/x", "not at end"},
		{"duplicate wildcard name", nil, "/{id}/{id}", "duplicate wildcard name"},
		{"empty pattern", nil, "", "invalid pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, err := servemux.NewMux(tt.existing...)
			if err != nil {
				t.Fatal(err)
			}
			err = servemux.Register(mux, tt.pattern, http.NotFoundHandler())
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("Register(%q) = %v; want accepted", tt.pattern, err)
				}
				return
			}
			if !errors.Is(err, servemux.ErrRejected) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Register(%q) = %v; want ErrRejected mentioning %q", tt.pattern, err, tt.wantMsg)
			}
		})
	}
}

func TestNewMuxStopsAtTheFirstBadPattern(t *testing.T) {
	if _, err := servemux.NewMux("/ok", "/{bad"); !errors.Is(err, servemux.ErrRejected) {
		t.Errorf("NewMux with a bad pattern = %v; want ErrRejected", err)
	}
}

func TestWildcards(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"/items", nil},
		{"GET /items/{id}", []string{"id"}},
		{"/files/{path...}", []string{"path"}},
		{"/exact/{$}", nil},
		{"host.example/{a}/x/{b}", []string{"a", "b"}},
		{"/broken/{id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := servemux.Wildcards(tt.pattern); !slices.Equal(got, tt.want) {
				t.Errorf("Wildcards(%q) = %q; want %q", tt.pattern, got, tt.want)
			}
		})
	}
}

// TestCatchAllReplaces405: with "/" registered, a request whose method no
// specific pattern allows falls through to "/" instead of getting 405.
func TestCatchAllReplaces405(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		want     string
	}{
		{"without /", []string{"GET /items/{id}"}, "405 Allow: GET, HEAD"},
		{"with /", []string{"GET /items/{id}", "/"}, "200 /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, err := servemux.NewMux(tt.patterns...)
			if err != nil {
				t.Fatal(err)
			}
			if got := servemux.Resolve(mux, "POST", "/items/42").String(); got != tt.want {
				t.Errorf("POST /items/42 -> %q; want %q", got, tt.want)
			}
		})
	}
}

func TestRegisterErrorHasNoSourceLocation(t *testing.T) {
	mux, err := servemux.NewMux("/a")
	if err != nil {
		t.Fatal(err)
	}
	err = servemux.Register(mux, "/a", http.NotFoundHandler())
	if err == nil || strings.Contains(err.Error(), "registered at") || !strings.Contains(err.Error(), `pattern "/a" conflicts with pattern "/a"`) {
		t.Errorf("Register duplicate = %v; want the conflict without file:line noise", err)
	}
}
