package concurrency_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"gatewaylab/07-middleware/concurrency"
)

// TestFullRouteRefusesAtOnce holds Max requests inside a real backend, checks the next
// one is refused immediately, then releases them and checks capacity returns.
func TestFullRouteRefusesAtOnce(t *testing.T) {
	for _, status := range []int{0, http.StatusTooManyRequests} {
		want := status
		if want == 0 {
			want = http.StatusServiceUnavailable
		}
		t.Run(http.StatusText(want), func(t *testing.T) {
			const max = 3
			entered, release := make(chan struct{}), make(chan struct{})
			h, err := concurrency.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/hold" {
					entered <- struct{}{}
					<-release
				}
				w.WriteHeader(http.StatusNoContent)
			}), concurrency.Config{Max: max, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			var wg sync.WaitGroup
			for range max {
				wg.Go(func() { get(t, srv.URL+"/hold") })
				<-entered
			}
			resp := get(t, srv.URL+"/now")
			if resp.StatusCode != want || resp.Header.Get("Retry-After") != "1" {
				t.Errorf("request over the cap: %d Retry-After %q; want %d and 1", resp.StatusCode, resp.Header.Get("Retry-After"), want)
			}
			close(release)
			wg.Wait()
			if resp := get(t, srv.URL+"/now"); resp.StatusCode != http.StatusNoContent {
				t.Errorf("after release: %d; want 204", resp.StatusCode)
			}
		})
	}
}

func get(tb testing.TB, url string) *http.Response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, url, nil)
	if err != nil {
		tb.Error(err)
		return &http.Response{}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Error(err)
		return &http.Response{}
	}
	resp.Body.Close()
	return resp
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  concurrency.Config
	}{
		{"zero max", concurrency.Config{}},
		{"odd status", concurrency.Config{Max: 1, Status: 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := concurrency.New(http.NotFoundHandler(), tt.cfg); err == nil {
				t.Error("New succeeded; want an error")
			}
		})
	}
}
