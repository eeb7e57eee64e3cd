package gateway_test

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// testTransforms: strip prefix, rewrite and header transforms change what the backend
// receives and what the client gets back.
func testTransforms(t *testing.T, e *featuresEnv) {
	for _, tc := range []struct{ name, path, received, query string }{
		{"strip_prefix", "/strip/a/b?q=1", "/a/b", "q=1"},
		{"strip_prefix_whole_path", "/strip", "/", ""},
		{"rewrite", "/rw/users/42", "/v2/users/42", ""},
		{"rewrite_no_match", "/rw/teams/7", "/rw/teams/7", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.web.Get(t, tc.path)
			wantStatus(t, res, 200)
			if got := res.Answer(t); got.Path != tc.received || got.RawQuery != tc.query {
				t.Fatalf("backend received %q?%s, want %q?%s", got.Path, got.RawQuery, tc.received, tc.query)
			}
		})
	}
	t.Run("strip_prefix_on_segments", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/stripped"), 404)
	})
	t.Run("headers", func(t *testing.T) {
		res := e.web.Do(t, req{Path: "/hdr/x", Header: hdr("X-Remove", "secret", "X-Add", "zero", "X-Set", "client")})
		wantStatus(t, res, 200)
		got := res.Answer(t).Header
		if got.Get("X-Remove") != "" || got.Get("X-Set") != "one" || strings.Join(got.Values("X-Add"), ",") != "zero,two" {
			t.Fatalf("backend received X-Remove=%q X-Set=%q X-Add=%q; want removed, one, zero,two",
				got.Get("X-Remove"), got.Get("X-Set"), got.Values("X-Add"))
		}
		if res.Header.Get("X-Resp") != "three" || res.Header.Get("X-Backend-Secret") != "" || res.Backend() != "a" {
			t.Fatalf("client got X-Resp=%q X-Backend-Secret=%q X-Backend=%q", res.Header.Get("X-Resp"),
				res.Header.Get("X-Backend-Secret"), res.Backend())
		}
	})
}

// testLimits: body limit (413), timeout (504), IP allow and deny lists (403), rate
// limit (429 with Retry-After) and the concurrency bound (503).
func testLimits(t *testing.T, e *featuresEnv) {
	t.Run("body_limit", func(t *testing.T) {
		id := newID()
		res := e.web.Do(t, req{Method: "POST", Path: "/body/x", Header: hdr("X-E2e-Id", id), Body: strings.Repeat("a", 512)})
		wantStatus(t, res, 200)
		if got := e.A.Received(id); len(got) != 1 || len(got[0].Body) != 512 {
			t.Fatalf("backend received %d requests, want one with the 512-byte body", len(got))
		}
		for _, chunked := range []bool{false, true} {
			id := newID()
			res := e.web.Do(t, req{Method: "POST", Path: "/body/x", Header: hdr("X-E2e-Id", id),
				Body: strings.Repeat("a", 2048), Chunked: chunked})
			wantStatus(t, res, 413)
			if got := e.A.Received(id); len(got) > 0 && len(got[0].Body) > 1024 {
				t.Fatalf("chunked=%v: backend received a %d-byte body past the 1 KiB limit", chunked, len(got[0].Body))
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/timeout/slow?d=5s"), 504)
		wantStatus(t, e.web.Get(t, "/timeout/slow?d=1ms"), 200)
	})
	t.Run("ip_filter", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/ip-deny/x"), 403)
		wantStatus(t, e.web.Get(t, "/ip-allow/x"), 403)
		wantStatus(t, e.web.Get(t, "/ip-ok/x"), 200)
		if n := e.A.Count("/ip-deny") + e.A.Count("/ip-allow"); n != 0 {
			t.Fatalf("the backend received %d refused requests", n)
		}
	})
	t.Run("rate_limit", func(t *testing.T) {
		for range 2 {
			wantStatus(t, e.web.Get(t, "/rl/x"), 200)
		}
		res := e.web.Get(t, "/rl/x")
		wantStatus(t, res, 429)
		wantRetryAfter(t, res, 1, 20) // rate 0.05 per second
		if n := e.A.Count("/rl/"); n != 2 {
			t.Fatalf("the backend received %d requests, want the 2 allowed", n)
		}
	})
	t.Run("rate_limit_per_service", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/rl-svc-1/x"), 200)
		wantStatus(t, e.web.Get(t, "/rl-svc-2/x"), 200)
		wantStatus(t, e.web.Get(t, "/rl-svc-1/x"), 429) // the routes share the service's bucket
		wantStatus(t, e.web.Get(t, "/rl-svc-2/x"), 429)
	})
	t.Run("rate_limit_per_header", func(t *testing.T) {
		tenant := func(v string) req { return req{Path: "/rl-hdr/x", Header: hdr("X-Tenant", v)} }
		wantStatus(t, e.web.Do(t, tenant("t1")), 200)
		wantStatus(t, e.web.Do(t, tenant("t1")), 429)
		wantStatus(t, e.web.Do(t, tenant("t2")), 200)
	})
	t.Run("max_header_bytes", func(t *testing.T) {
		wantStatus(t, e.web.Do(t, req{Path: "/echo/x", Header: hdr("X-Big", strings.Repeat("h", 16<<10))}), 431)
		wantStatus(t, e.web.Do(t, req{Path: "/echo/x", Header: hdr("X-Small", strings.Repeat("h", 1<<10))}), 200)
	})
	t.Run("upstream_response_header_timeout", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/slowhdr/slow?d=5s"), 504)
		wantStatus(t, e.web.Get(t, "/slowhdr/x"), 200)
	})
	t.Run("max_concurrent", func(t *testing.T) {
		held := holdRequests(t, e.web, "/conc/hold", 1, e.A)
		wantStatus(t, e.web.Get(t, "/conc/x"), 503)
		e.A.Release()
		held.wait(t, 200)
		wantStatus(t, e.web.Get(t, "/conc/x"), 200)
	})
}

// testDegradation: the breaker opens on failures and the static fallback answers; the
// circuit closes again once the upstream recovers; a cached fallback serves the last
// good answer; a fallback service answers for a failed one.
func testDegradation(t *testing.T, e *featuresEnv) {
	t.Run("breaker_static_fallback", func(t *testing.T) {
		eventually(t, 10*time.Second, "circuit opens", func() (bool, string) {
			res := e.web.Get(t, "/brk/x")
			if res.Status != 200 || res.Body != "static fallback\n" {
				t.Fatalf("status %d body %q, want the static fallback", res.Status, res.Body)
			}
			return res.Header.Get("X-Gateway-Degraded") == "circuit-open", res.Header.Get("X-Gateway-Degraded")
		})
		if v := metricValue(metrics(t, e.Admin), "gateway_breaker_state", `route="brk"`); v != 1 {
			t.Errorf("gateway_breaker_state{route=brk} = %v, want 1 (open)", v)
		}
		before := e.Fail.Count("/brk")
		wantStatus(t, e.web.Get(t, "/brk/x"), 200)
		if n := e.Fail.Count("/brk"); n != before {
			t.Fatalf("the open circuit let a request through to the failing backend")
		}
		e.Fail.Status.Store(0)
		defer e.Fail.Status.Store(500)
		eventually(t, 10*time.Second, "circuit closes after the sleep window", func() (bool, string) {
			res := e.web.Get(t, "/brk/x")
			return res.Backend() == "fail" && res.Status == 200, res.Header.Get("X-Gateway-Degraded")
		})
	})
	t.Run("cached_fallback", func(t *testing.T) {
		good := e.web.Get(t, "/cached/item")
		wantStatus(t, good, 200)
		e.Flip.Status.Store(500)
		defer e.Flip.Status.Store(0)
		res := e.web.Get(t, "/cached/item")
		if res.Status != 200 || res.Body != good.Body || res.Header.Get("X-Gateway-Degraded") == "" {
			t.Fatalf("status %d degraded %q body %q; want the cached answer %q", res.Status,
				res.Header.Get("X-Gateway-Degraded"), res.Body, good.Body)
		}
		if res := e.web.Get(t, "/cached/never-seen"); res.Status < 500 {
			t.Fatalf("nothing cached: status %d, want the failure (5xx)", res.Status)
		}
	})
	t.Run("fallback_service", func(t *testing.T) {
		id := newID()
		res := e.web.Do(t, req{Path: "/fbsvc/x", Header: hdr("X-E2e-Id", id)})
		wantStatus(t, res, 200)
		if got := res.Answer(t); got.Backend != "b" || got.Path != "/fbsvc/x" {
			t.Fatalf("fallback answered from %q for path %q, want b for /fbsvc/x", got.Backend, got.Path)
		}
		if len(e.Fail.Received(id)) != 1 {
			t.Fatalf("the failing service did not get the request first")
		}
	})
}

// testShedding: with 9 of max_in_flight 10 requests in flight, low and normal routes
// are shed (503) and core ones still served.
func testShedding(t *testing.T, e *featuresEnv) {
	held := holdRequests(t, e.web, "/shed-core/hold", 9, e.A)
	got := map[string]int{}
	for _, p := range []string{"/shed-low/x", "/shed-normal/x", "/shed-core/x"} {
		got[p] = e.web.Get(t, p).Status
	}
	e.A.Release()
	held.wait(t, 200)
	want := map[string]int{"/shed-low/x": 503, "/shed-normal/x": 503, "/shed-core/x": 200}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("with 9 of 10 in flight, %s answered %d, want %d", p, got[p], w)
		}
	}
	wantStatus(t, e.web.Get(t, "/shed-low/x"), 200)
}

// heldRequests are requests waiting at a backend until it releases them.
type heldRequests struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	statuses []int
}

// holdRequests sends n requests to path and waits until backend holds them all.
func holdRequests(t *testing.T, c *client, path string, n int, backend *httpBackend) *heldRequests {
	t.Helper()
	h := &heldRequests{}
	for range n {
		h.wg.Go(func() {
			res, err := c.Try(req{Path: path})
			if err != nil {
				t.Errorf("held request: %v", err)
			}
			h.mu.Lock()
			h.statuses = append(h.statuses, res.Status)
			h.mu.Unlock()
		})
	}
	backend.WaitHeld(t, n)
	return h
}

// wait waits for the held requests to finish and checks their status.
func (h *heldRequests) wait(t *testing.T, want int) {
	t.Helper()
	h.wg.Wait()
	for _, s := range h.statuses {
		if s != want {
			t.Fatalf("held requests answered %v, want all %d", h.statuses, want)
		}
	}
}
