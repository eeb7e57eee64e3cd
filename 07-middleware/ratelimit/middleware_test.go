package ratelimit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/ratelimit"
)

// fixedClock is a clock the test moves by hand, so "N allowed then 429 within the
// window" holds however slowly the machine runs.
type fixedClock struct{ ns atomic.Int64 }

func newClock() *fixedClock {
	c := &fixedClock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fixedClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fixedClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// backend counts the requests that got through.
type backend struct{ hits atomic.Int64 }

func (b *backend) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	b.hits.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

// server runs clientip (trusting 127.0.0.1 when trustLoopback) -> ratelimit -> backend.
func server(tb testing.TB, cfg ratelimit.Config, trustLoopback bool) (*httptest.Server, *backend) {
	tb.Helper()
	b := &backend{}
	var trust *forwarded.Trust
	if trustLoopback {
		trust = forwarded.MustParseTrust("127.0.0.1")
	}
	h := testhttp.Build(tb, clientip.New, testhttp.Build(tb, ratelimit.New, http.Handler(b), cfg), clientip.Config{Trust: trust})
	return testhttp.Serve(tb, h), b
}

func do(tb testing.TB, url string, header http.Header) testhttp.Response {
	tb.Helper()
	return testhttp.Get(tb, url, header)
}

func TestNAllowedThen429(t *testing.T) {
	clock := newClock()
	srv, b := server(t, ratelimit.Config{
		Name:    "route",
		Policy:  ratelimit.Policy{Rate: 1, Burst: 3},
		Limiter: ratelimit.NewLocal(ratelimit.LocalConfig{Now: clock.Now}),
	}, false)

	wantRemaining := []string{`"route";r=2;t=1`, `"route";r=1;t=2`, `"route";r=0;t=3`}
	for i, want := range wantRemaining {
		resp := do(t, srv.URL, nil)
		if resp.Status != http.StatusNoContent || resp.Header.Get("RateLimit") != want {
			t.Fatalf("request %d: %d RateLimit %q; want 204 %q", i, resp.Status, resp.Header.Get("RateLimit"), want)
		}
	}
	resp := do(t, srv.URL, nil)
	if resp.Status != http.StatusTooManyRequests {
		t.Fatalf("4th request: %d; want 429", resp.Status)
	}
	for h, want := range map[string]string{"Retry-After": "1", "RateLimit": `"route";r=0;t=1`, "RateLimit-Policy": `"route";q=3;w=3`} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("429 %s = %q; want %q", h, got, want)
		}
	}
	if n := b.hits.Load(); n != 3 {
		t.Errorf("backend saw %d requests; want 3", n)
	}
	clock.Advance(time.Second)
	if resp := do(t, srv.URL, nil); resp.Status != http.StatusNoContent {
		t.Errorf("after one refill interval: %d; want 204", resp.Status)
	}
}

func TestPerClientIPBuckets(t *testing.T) {
	clock := newClock()
	cfg := ratelimit.Config{
		Name:    "per-ip",
		Policy:  ratelimit.Policy{Rate: 1, Burst: 1},
		Key:     ratelimit.ByClientIP(),
		Limiter: ratelimit.NewLocal(ratelimit.LocalConfig{Now: clock.Now}),
	}
	t.Run("spoofed X-Forwarded-For from an untrusted peer shares the peer's bucket", func(t *testing.T) {
		srv, _ := server(t, cfg, false)
		codes := []int{
			do(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.1"}}).Status,
			do(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.2"}}).Status,
		}
		if codes[0] != 204 || codes[1] != 429 {
			t.Errorf("codes = %v; want [204 429]: a fake XFF must not buy a fresh bucket", codes)
		}
	})
	t.Run("clients behind a trusted proxy get their own buckets", func(t *testing.T) {
		cfg.Name = "per-ip-trusted"
		srv, _ := server(t, cfg, true)
		codes := []int{
			do(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.1"}}).Status,
			do(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.2"}}).Status,
			do(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.1"}}).Status,
		}
		if codes[0] != 204 || codes[1] != 204 || codes[2] != 429 {
			t.Errorf("codes = %v; want [204 204 429]", codes)
		}
	})
}

func TestByHeaderSkipsRequestsWithoutIt(t *testing.T) {
	clock := newClock()
	srv, b := server(t, ratelimit.Config{
		Name:    "tenant",
		Policy:  ratelimit.Policy{Rate: 1, Burst: 1},
		Key:     ratelimit.ByHeader("X-Tenant"),
		Limiter: ratelimit.NewLocal(ratelimit.LocalConfig{Now: clock.Now}),
	}, false)
	for range 3 {
		do(t, srv.URL, nil)
	}
	tenant := http.Header{"X-Tenant": {"t1"}}
	first, second := do(t, srv.URL, tenant).Status, do(t, srv.URL, tenant).Status
	if first != 204 || second != 429 || b.hits.Load() != 4 {
		t.Errorf("tenant codes %d %d, hits %d; want 204 429 and 4 hits", first, second, b.hits.Load())
	}
}

// brokenLimiter stands in for a Redis limiter whose Redis is down.
type brokenLimiter struct{ failOpen bool }

func (l brokenLimiter) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Decision, error) {
	return ratelimit.Decision{Allowed: l.failOpen, RetryAfter: time.Second}, errors.New("redis: connection refused")
}

func TestDegradedLimiterAppliesItsDecision(t *testing.T) {
	tests := []struct {
		name     string
		failOpen bool
		want     int
	}{
		{"fail open lets traffic through", true, http.StatusNoContent},
		{"fail closed answers 503", false, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := server(t, ratelimit.Config{
				Name:    "redis",
				Policy:  ratelimit.Policy{Rate: 1, Burst: 1},
				Limiter: brokenLimiter{failOpen: tt.failOpen},
				Logger:  discardLogger(),
			}, false)
			if got := do(t, srv.URL, nil).Status; got != tt.want {
				t.Errorf("status = %d; want %d", got, tt.want)
			}
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  ratelimit.Config
		want string
	}{
		{"missing name", ratelimit.Config{Policy: ratelimit.Policy{Rate: 1, Burst: 1}}, "Name"},
		{"quote in name", ratelimit.Config{Name: `a"b`, Policy: ratelimit.Policy{Rate: 1, Burst: 1}}, "Name"},
		{"zero policy", ratelimit.Config{Name: "x"}, "Policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ratelimit.New(http.NotFoundHandler(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v; want it to name %s", err, tt.want)
			}
		})
	}
}
