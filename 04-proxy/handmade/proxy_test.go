package handmade

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestDefaultTransportPassesEncodingThrough: with no Transport set, the upstream sees
// exactly the Accept-Encoding the client sent, here none.
func TestDefaultTransportPassesEncodingThrough(t *testing.T) {
	seen := make(chan string, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Get("Accept-Encoding")
	}))
	defer up.Close()
	target, _ := url.Parse(up.URL)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "http://proxy/", nil)
	(&Proxy{Target: target}).ServeHTTP(rec, req)
	if got := <-seen; got != "" {
		t.Errorf("upstream saw Accept-Encoding %q, want none (the client sent none)", got)
	}
}

func TestJoinPath(t *testing.T) {
	tests := []struct{ target, req, wantPath, wantRaw string }{
		{"http://b", "/x", "/x", ""},
		{"http://b/", "/x", "/x", ""},
		{"http://b/api", "/x", "/api/x", ""},
		{"http://b/api/", "/x", "/api/x", ""},
		{"http://b/api", "", "/api", ""},
		{"http://b", "", "/", ""},
		{"http://b/api", "/a%2Fb", "/api/a/b", "/api/a%2Fb"},
	}
	for _, tt := range tests {
		target, _ := url.Parse(tt.target)
		req, _ := url.Parse(tt.req)
		path, raw := joinPath(target, req)
		if path != tt.wantPath || raw != tt.wantRaw {
			t.Errorf("joinPath(%q, %q) = %q, %q; want %q, %q", tt.target, tt.req, path, raw, tt.wantPath, tt.wantRaw)
		}
	}
}
