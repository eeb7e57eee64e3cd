package requestid_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/requestid"
)

func TestRequestID(t *testing.T) {
	tests := []struct {
		name    string
		trust   bool
		inbound string
		keep    bool // the inbound ID survives
	}{
		{"generated when absent", false, "", false},
		{"inbound ignored by default", false, "abc-123", false},
		{"well-formed inbound kept when trusted", true, "0b5c3f2e-7d1a-4c1e-9f5a-2a7f1c9e6b3d", true},
		{"malformed inbound replaced", true, "evil value\twith tabs", false},
		{"oversized inbound replaced", true, strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testhttp.Serve(t, testhttp.Build(t, requestid.New, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// The upstream sees the same ID on the request as the context holds.
				_, _ = io.WriteString(w, r.Header.Get("X-Request-Id")+"|"+requestid.From(r.Context()))
			}), requestid.Config{TrustInbound: tt.trust}))
			var h http.Header
			if tt.inbound != "" {
				h = http.Header{"X-Request-Id": {tt.inbound}}
			}
			r := testhttp.Get(t, srv.URL, h)
			id := r.Header.Get("X-Request-Id")
			if r.Body != id+"|"+id || !requestid.WellFormed(id) {
				t.Fatalf("response ID %q, upstream saw %q; want one well-formed ID everywhere", id, r.Body)
			}
			if kept := id == tt.inbound; kept != tt.keep {
				t.Errorf("inbound %q kept = %v; want %v", tt.inbound, kept, tt.keep)
			}
		})
	}
}

func TestGenerateIsUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := requestid.Generate()
		if seen[id] || len(id) != 22 {
			t.Fatalf("Generate() = %q: duplicate or wrong length", id)
		}
		seen[id] = true
	}
}
