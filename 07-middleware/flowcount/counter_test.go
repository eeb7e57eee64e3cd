package flowcount_test

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/quota"
)

func newStats(tb testing.TB, cfg flowcount.StatsConfig) *flowcount.Stats {
	tb.Helper()
	s, err := flowcount.NewStats(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestQPSIsASlidingWindowOfCompleteSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStats(t, flowcount.StatsConfig{Window: 2 * time.Second, Calendar: quota.Calendar{Location: time.UTC}})
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // start on a second boundary
		c := s.Counter("svc")
		for range 10 {
			s.Add("svc")
		}
		time.Sleep(time.Second)
		for range 30 {
			s.Add("svc")
		}
		if got := c.QPS(time.Now()); got != 5 {
			t.Errorf("QPS during second 2 = %v; want 5 (10 requests over the 2 complete seconds)", got)
		}
		time.Sleep(time.Second)
		if got := c.QPS(time.Now()); got != 20 {
			t.Errorf("QPS after second 2 = %v; want 20 ((10+30)/2)", got)
		}
		time.Sleep(3 * time.Second)
		if got := c.QPS(time.Now()); got != 0 {
			t.Errorf("QPS after 3 idle seconds = %v; want 0", got)
		}
		if c.Total() != 40 {
			t.Errorf("Total = %d; want 40", c.Total())
		}
	})
}

func TestTodayResetsAtMidnightInTheZone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		beijing := time.FixedZone("CST", 8*3600)
		s := newStats(t, flowcount.StatsConfig{Calendar: quota.Calendar{Location: beijing}})
		now := time.Now().In(beijing)
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, beijing)
		time.Sleep(midnight.Sub(now) - time.Second) // 23:59:59 in Beijing
		s.Add("app:a")
		s.Add("app:a")
		c := s.Counter("app:a")
		if got := c.Today(time.Now().In(beijing)); got != 2 {
			t.Fatalf("Today before midnight = %d; want 2", got)
		}
		time.Sleep(time.Second)
		s.Add("app:a")
		if got := c.Today(time.Now().In(beijing)); got != 1 || c.Total() != 3 {
			t.Errorf("after midnight: Today %d Total %d; want 1 and 3", got, c.Total())
		}
	})
}

func TestCountsAreExactUnderConcurrency(t *testing.T) {
	s := newStats(t, flowcount.StatsConfig{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				s.Add("service:orders")
			}
		})
	}
	wg.Wait()
	snap := s.Snapshot()
	if len(snap) != 1 || snap[0].Total != 8000 || snap[0].Today != 8000 {
		t.Errorf("Snapshot = %+v; want one counter with 8000 today and in total", snap)
	}
}

func TestNamesAreBounded(t *testing.T) {
	s := newStats(t, flowcount.StatsConfig{MaxCounters: 2})
	for _, n := range []string{"a", "b", "c", "d"} {
		s.Add(n)
	}
	var names []string
	for _, c := range s.Snapshot() {
		names = append(names, c.Name)
	}
	if len(names) != 3 || names[2] != flowcount.Overflow || s.Counter(flowcount.Overflow).Total() != 2 {
		t.Errorf("counters %v; want a, b and overflow holding 2", names)
	}
}

func TestMiddlewareCountsServiceAndApp(t *testing.T) {
	s := newStats(t, flowcount.StatsConfig{})
	backend := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	perApp := testhttp.Build(t, flowcount.New, http.Handler(backend), flowcount.Config{Stats: s, Names: []flowcount.NameFunc{flowcount.App()}})
	// A stand-in for the auth middleware: requests with X-App are "authenticated".
	auth := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if app := r.Header.Get("X-App"); app != "" {
			r = r.WithContext(identity.With(r.Context(), identity.Identity{App: app}))
		}
		perApp.ServeHTTP(w, r)
	})
	srv := testhttp.Serve(t, testhttp.Build(t, flowcount.New, http.Handler(auth),
		flowcount.Config{Stats: s, Names: []flowcount.NameFunc{flowcount.Constant("total"), flowcount.Service("orders")}}))
	for _, app := range []string{"", "app_a", "app_a", "app_b"} {
		testhttp.Get(t, srv.URL, http.Header{"X-App": {app}})
	}
	want := map[string]int64{"total": 4, "service:orders": 4, "app:app_a": 2, "app:app_b": 1}
	got := map[string]int64{}
	for _, c := range s.Snapshot() {
		got[c.Name] = c.Total
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d; want %d (all: %v)", k, got[k], v, got)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
