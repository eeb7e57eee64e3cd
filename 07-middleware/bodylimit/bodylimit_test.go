package bodylimit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"gatewaylab/07-middleware/bodylimit"
	"gatewaylab/07-middleware/internal/testhttp"
)

// gateway is bodylimit in front of a real reverse proxy to a real upstream that answers
// with the number of body bytes it received.
func gateway(tb testing.TB, limit int64) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var hits atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
	}))
	tb.Cleanup(up.Close)
	h := testhttp.Build(tb, bodylimit.New, testhttp.Proxy(tb, up.URL), bodylimit.Config{MaxBytes: limit})
	return testhttp.Serve(tb, h), &hits
}

// unsized hides the length so the client sends the body chunked.
type unsized struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	tests := []struct {
		name       string
		body       io.Reader
		wantStatus int
		wantBody   string
		wantHits   int64
	}{
		{"declared length within", strings.NewReader(strings.Repeat("a", 100)), 200, "100", 1},
		{"declared length over: refused before reading", strings.NewReader(strings.Repeat("a", 101)), 413, "request body larger than 100 bytes\n", 0},
		{"chunked within", unsized{strings.NewReader(strings.Repeat("a", 100))}, 200, "100", 1},
		{"chunked over: cut off at the limit", unsized{strings.NewReader(strings.Repeat("a", 5000))}, 413, "request body larger than 100 bytes\n", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw, hits := gateway(t, 100)
			r := testhttp.Do(t, http.MethodPost, gw.URL, nil, tt.body)
			if r.Status != tt.wantStatus || r.Body != tt.wantBody {
				t.Errorf("got %d %q; want %d %q", r.Status, r.Body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantHits >= 0 && hits.Load() != tt.wantHits {
				t.Errorf("upstream hit %d times; want %d", hits.Load(), tt.wantHits)
			}
		})
	}
}

func TestMaxBytesRequired(t *testing.T) {
	if _, err := bodylimit.New(http.NotFoundHandler(), bodylimit.Config{}); err == nil {
		t.Error("New without MaxBytes succeeded")
	}
}
