package fallback_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/fallback"
	"gatewaylab/07-middleware/internal/testhttp"
)

// upstream is a real backend: healthy it answers "fresh <path>", failing it answers 500
// with a header that must never leak into a fallback answer.
type upstream struct {
	srv     *httptest.Server
	failing atomic.Bool
}

func newUpstream(tb testing.TB) *upstream {
	tb.Helper()
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u.failing.Load() {
			w.Header().Set("X-Upstream-Error", "db down")
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "fresh "+r.URL.Path)
	}))
	tb.Cleanup(u.srv.Close)
	return u
}

func gateway(tb testing.TB, next http.Handler, cfg fallback.Config) *httptest.Server {
	tb.Helper()
	return testhttp.Serve(tb, testhttp.Build(tb, fallback.New, next, cfg))
}

type answer struct {
	status           int
	body             string
	degraded, source string
}

func get(tb testing.TB, url string, header http.Header) (answer, http.Header) {
	tb.Helper()
	r := testhttp.Get(tb, url, header)
	return answer{r.Status, r.Body, r.Header.Get("X-Gateway-Degraded"), r.Header.Get("X-Gateway-Fallback")}, r.Header
}

var static = fallback.Static{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("default list")}

func TestStaticReplacesAFailure(t *testing.T) {
	up := newUpstream(t)
	gw := gateway(t, testhttp.Proxy(t, up.srv.URL), fallback.Config{Fallback: static})

	if got, _ := get(t, gw.URL+"/a", nil); got != (answer{200, "fresh /a", "", ""}) {
		t.Errorf("healthy: %+v; want the upstream's answer untouched", got)
	}
	up.failing.Store(true)
	got, h := get(t, gw.URL+"/a", nil)
	if got != (answer{200, "default list", "upstream-500", "static"}) {
		t.Errorf("failing: %+v; want the static fallback", got)
	}
	if h.Get("X-Upstream-Error") != "" {
		t.Error("the failed upstream's headers leaked into the fallback answer")
	}
}

func TestCacheServesLastGoodResponse(t *testing.T) {
	up := newUpstream(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cache := fallback.NewCache(fallback.CacheConfig{MaxAge: time.Minute, Now: func() time.Time { return now }})
	gw := gateway(t, testhttp.Proxy(t, up.srv.URL), fallback.Config{Cache: cache, Fallback: static})

	get(t, gw.URL+"/list", nil) // a good answer to remember
	up.failing.Store(true)
	now = now.Add(30 * time.Second)

	tests := []struct {
		name   string
		path   string
		header http.Header
		want   answer
	}{
		{"cached URL", "/list", nil, answer{200, "fresh /list", "upstream-500", "cache"}},
		{"never cached URL", "/other", nil, answer{200, "default list", "upstream-500", "static"}},
		{"per-user request is not served from the shared cache", "/list", http.Header{"Authorization": {"Bearer x"}}, answer{200, "default list", "upstream-500", "static"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, h := get(t, gw.URL+tt.path, tt.header)
			if got != tt.want {
				t.Errorf("got %+v; want %+v", got, tt.want)
			}
			if tt.want.source == "cache" && h.Get("Age") != "30" {
				t.Errorf("Age = %q; want 30", h.Get("Age"))
			}
		})
	}

	now = now.Add(time.Minute) // older than MaxAge
	if got, _ := get(t, gw.URL+"/list", nil); got.source != "static" {
		t.Errorf("stale entry: %+v; want the static fallback", got)
	}
}

func TestCacheIsBounded(t *testing.T) {
	big := strings.Repeat("x", 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			_, _ = io.WriteString(w, big)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	cache := fallback.NewCache(fallback.CacheConfig{MaxEntries: 2, MaxBodyBytes: 50})
	gw := gateway(t, testhttp.Proxy(t, srv.URL), fallback.Config{Cache: cache})
	if got, _ := get(t, gw.URL+"/big", nil); got.body != big {
		t.Fatalf("a response over MaxBodyBytes must still stream whole: got %d bytes", len(got.body))
	}
	if cache.Len() != 0 {
		t.Errorf("Len = %d after an oversized response; want 0", cache.Len())
	}
	for _, p := range []string{"/1", "/2", "/3", "/4"} {
		get(t, gw.URL+p, nil)
	}
	if cache.Len() != 2 {
		t.Errorf("Len = %d; want MaxEntries 2", cache.Len())
	}
}

func TestServiceFallback(t *testing.T) {
	backup := newUpstream(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // connection refused: the proxy answers 502
	gw := gateway(t, testhttp.Proxy(t, dead.URL), fallback.Config{Fallback: fallback.Service(testhttp.Proxy(t, backup.srv.URL))})
	if got, _ := get(t, gw.URL+"/x", nil); got != (answer{200, "fresh /x", "upstream-502", "service"}) {
		t.Errorf("got %+v; want the backup service's answer", got)
	}
}

// TestAroundABreaker: the breaker refuses (503, max concurrency) and the outer fallback
// serves the cached answer, keeping the breaker's reason.
func TestAroundABreaker(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("hold") {
			entered <- struct{}{}
			<-release
		}
		_, _ = io.WriteString(w, "fresh")
	})
	b, err := breaker.New(up, breaker.Config{CircuitConfig: breaker.CircuitConfig{Name: "fallback-test-" + t.Name(), MaxConcurrentRequests: 1}})
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway(t, b, fallback.Config{Cache: fallback.NewCache(fallback.CacheConfig{}), Fallback: static})
	get(t, gw.URL+"/p", nil) // cache /p

	done := make(chan struct{})
	go func() { defer close(done); get(t, gw.URL+"/p?hold", nil) }()
	<-entered
	if got, _ := get(t, gw.URL+"/p", nil); got != (answer{200, "fresh", "max-concurrency", "cache"}) {
		t.Errorf("got %+v; want the cached answer with the breaker's reason", got)
	}
	close(release)
	<-done
}

func TestNewNeedsAFallback(t *testing.T) {
	if _, err := fallback.New(http.NotFoundHandler(), fallback.Config{}); err == nil {
		t.Error("New without Cache or Fallback succeeded")
	}
}
