package redislimit_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/redislimit"
)

// newClient returns a client of its own, as a second gateway instance would have.
func newClient(tb testing.TB, addr string) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: true,
		DialTimeout:           200 * time.Millisecond,
		MaxRetries:            -1, // a limiter answers now or degrades; it does not retry
		DialerRetries:         1,
	})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

func newLimiter(tb testing.TB, c *redis.Client, mode redislimit.FailMode) *redislimit.Limiter {
	tb.Helper()
	l, err := redislimit.New(redislimit.Config{Client: c, FailMode: mode, Prefix: tb.Name() + ":"})
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func TestBurstThenDenied(t *testing.T) {
	srv := redistest.Start(t)
	l := newLimiter(t, newClient(t, srv.Addr), redislimit.FailOpen)
	p := ratelimit.Policy{Rate: 1, Burst: 3}
	for i := range 3 {
		d, err := l.Allow(t.Context(), "k", p)
		if err != nil || !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v, %v; want allowed, %d remaining", i, d, err, 2-i)
		}
	}
	d, err := l.Allow(t.Context(), "k", p)
	if err != nil || d.Allowed {
		t.Fatalf("4th request: %+v, %v; want denied", d, err)
	}
	if d.RetryAfter <= 0 || d.RetryAfter > time.Second {
		t.Errorf("RetryAfter = %v; want in (0, 1s]", d.RetryAfter)
	}
}

// TestTwoInstancesHoldOneGlobalRate: two limiters on separate clients, as two gateway
// instances, each offered 100 requests/s for 2 s against one 50/s limit. Together they
// must allow burst + rate * elapsed, within 10%.
func TestTwoInstancesHoldOneGlobalRate(t *testing.T) {
	srv := redistest.Start(t)
	p := ratelimit.Policy{Rate: 50, Burst: 10}
	instances := []*redislimit.Limiter{
		newLimiter(t, newClient(t, srv.Addr), redislimit.FailClosed),
		newLimiter(t, newClient(t, srv.Addr), redislimit.FailClosed),
	}
	const duration = 2 * time.Second
	var allowed [2]atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for i, l := range instances {
		wg.Go(func() {
			tick := time.NewTicker(10 * time.Millisecond) // 100 attempts/s per instance
			defer tick.Stop()
			for time.Since(start) < duration {
				<-tick.C
				d, err := l.Allow(t.Context(), "global", p)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					allowed[i].Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	total := allowed[0].Load() + allowed[1].Load()
	want := float64(p.Burst) + p.Rate*elapsed.Seconds()
	if diff := float64(total) - want; diff > 0.1*want || diff < -0.1*want {
		t.Errorf("allowed %d (instance A %d, B %d) in %v; want %.0f within 10%%",
			total, allowed[0].Load(), allowed[1].Load(), elapsed, want)
	}
	t.Logf("allowed %d (A %d, B %d) in %v; ideal %.1f", total, allowed[0].Load(), allowed[1].Load(), elapsed, want)
	if allowed[0].Load() == 0 || allowed[1].Load() == 0 {
		t.Errorf("one instance got nothing (A %d, B %d); both share the bucket", allowed[0].Load(), allowed[1].Load())
	}
}

func TestRedisDownAppliesFailModeThenRecovers(t *testing.T) {
	srv := redistest.Start(t)
	p := ratelimit.Policy{Rate: 100, Burst: 100}
	open := newLimiter(t, newClient(t, srv.Addr), redislimit.FailOpen)
	closed := newLimiter(t, newClient(t, srv.Addr), redislimit.FailClosed)
	for _, l := range []*redislimit.Limiter{open, closed} { // warm the pools and script cache
		if _, err := l.Allow(t.Context(), "k", p); err != nil {
			t.Fatal(err)
		}
	}

	srv.Stop()
	tests := []struct {
		name        string
		l           *redislimit.Limiter
		wantAllowed bool
	}{
		{"fail open allows", open, true},
		{"fail closed denies", closed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.l.Allow(t.Context(), "k", p)
			if !errors.Is(err, redislimit.ErrUnavailable) {
				t.Fatalf("err = %v; want ErrUnavailable", err)
			}
			if d.Allowed != tt.wantAllowed {
				t.Errorf("Allowed = %v; want %v", d.Allowed, tt.wantAllowed)
			}
		})
	}

	srv.Restart() // a fresh Redis: no keys, no cached script (NOSCRIPT -> EVAL)
	for _, l := range []*redislimit.Limiter{open, closed} {
		d, err := l.Allow(t.Context(), "k", p)
		if err != nil || !d.Allowed {
			t.Errorf("after restart: %+v, %v; want allowed without error", d, err)
		}
	}
}

func TestMiddlewareWithRedis(t *testing.T) {
	srv := redistest.Start(t)
	h, err := ratelimit.New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}), ratelimit.Config{
		Name:    "cluster",
		Policy:  ratelimit.Policy{Rate: 0.1, Burst: 2}, // slow refill: no token returns during the test
		Limiter: newLimiter(t, newClient(t, srv.Addr), redislimit.FailClosed),
	})
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(h)
	t.Cleanup(gw.Close)
	var codes []int
	for range 3 {
		resp, err := gw.Client().Get(gw.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 204 || codes[1] != 204 || codes[2] != 429 {
		t.Errorf("codes = %v; want [204 204 429]", codes)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	if _, err := redislimit.New(redislimit.Config{}); err == nil {
		t.Error("New without Client succeeded")
	}
	if _, err := redislimit.New(redislimit.Config{Client: redis.NewClient(&redis.Options{}), FailMode: 7}); err == nil {
		t.Error("New with FailMode 7 succeeded")
	}
}
