package shed_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"gatewaylab/07-middleware/shed"
)

func TestCeilingsPerPriority(t *testing.T) {
	s, err := shed.NewShedder(shed.ShedderConfig{Capacity: 10, NormalShare: 0.8, LowShare: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	admitted := func(p shed.Priority) int {
		n := 0
		for s.TryAcquire(p) {
			n++
		}
		return n
	}
	// Fill the budget from the lowest priority up: each gets to its ceiling.
	if n := admitted(shed.Low); n != 5 {
		t.Errorf("low admitted %d; want 5 (half the capacity)", n)
	}
	if n := admitted(shed.Normal); n != 3 {
		t.Errorf("normal admitted %d more; want 3 (up to 8)", n)
	}
	if n := admitted(shed.Critical); n != 2 {
		t.Errorf("critical admitted %d more; want 2 (up to 10)", n)
	}
	s.Release()
	if s.TryAcquire(shed.Low) || s.TryAcquire(shed.Normal) {
		t.Error("one free slot at 9 in flight went to low or normal; it is above their ceilings")
	}
	if !s.TryAcquire(shed.Critical) {
		t.Error("critical refused with a free slot")
	}
}

// TestCoreRouteStaysAvailable: a slow core route holds requests in flight; non-core
// requests are shed while core requests are still admitted.
func TestCoreRouteStaysAvailable(t *testing.T) {
	s, err := shed.NewShedder(shed.ShedderConfig{Capacity: 4, LowShare: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("hold") {
			entered <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux := http.NewServeMux()
	for path, p := range map[string]shed.Priority{"/core": shed.Critical, "/report": shed.Low} {
		h, err := shed.New(backend, shed.Config{Shedder: s, Priority: p})
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle(path, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	var wg sync.WaitGroup
	for range 2 { // half the capacity busy on the core route
		wg.Go(func() { status(t, srv.URL+"/core?hold") })
		<-entered
	}
	if got := status(t, srv.URL+"/report"); got != http.StatusServiceUnavailable {
		t.Errorf("non-core under load: %d; want 503", got)
	}
	if got := status(t, srv.URL+"/core"); got != http.StatusNoContent {
		t.Errorf("core under load: %d; want 204", got)
	}
	close(release)
	wg.Wait()
	if got := status(t, srv.URL+"/report"); got != http.StatusNoContent {
		t.Errorf("non-core after load: %d; want 204", got)
	}
}

func status(tb testing.TB, url string) int {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, url, nil)
	if err != nil {
		tb.Error(err)
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestNewShedderValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  shed.ShedderConfig
	}{
		{"zero capacity", shed.ShedderConfig{}},
		{"low above normal", shed.ShedderConfig{Capacity: 10, NormalShare: 0.5, LowShare: 0.6}},
		{"share above 1", shed.ShedderConfig{Capacity: 10, NormalShare: 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := shed.NewShedder(tt.cfg); err == nil {
				t.Error("NewShedder succeeded; want an error")
			}
		})
	}
}
