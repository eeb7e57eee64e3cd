package gateway_test

import (
	"fmt"
	"testing"
	"time"
)

// healthWait bounds how long a health change may take to show: a few probe intervals
// (300ms) of a race-enabled build on busy cores.
const healthWait = 10 * time.Second

// testHealth: active checks take a dead target out of rotation (no more 502s after
// fall) and bring it back after rise; passive ejection takes out a target that fails
// real traffic.
func testHealth(t *testing.T, e *featuresEnv) {
	t.Run("active", func(t *testing.T) {
		if got := send(t, e.web, "/active/x", 4, nil); got["h1"] != 2 || got["h2"] != 2 {
			t.Fatalf("both targets healthy: spread %v, want 2 each", got)
		}
		e.H1.Kill()
		waitHealthy(t, e, "healthy", e.H1.Addr(), false)
		if got := send(t, e.web, "/active/x", 10, nil); got["h2"] != 10 {
			t.Fatalf("after h1 died: spread %v, want every request on h2", got)
		}
		e.H1.Revive(t)
		waitHealthy(t, e, "healthy", e.H1.Addr(), true)
		if got := send(t, e.web, "/active/x", 10, nil); got["h1"] != 5 || got["h2"] != 5 {
			t.Fatalf("after h1 came back: spread %v, want 5 each", got)
		}
	})
	t.Run("active_probe_status", func(t *testing.T) {
		e.H2.HealthStatus.Store(503) // alive, but says it is not fit to serve
		waitHealthy(t, e, "healthy", e.H2.Addr(), false)
		if got := send(t, e.web, "/active/x", 6, nil); got["h1"] != 6 {
			t.Fatalf("h2 failing its probe: spread %v, want every request on h1", got)
		}
		e.H2.HealthStatus.Store(0)
		waitHealthy(t, e, "healthy", e.H2.Addr(), true)
	})
	t.Run("active_tcp_probe", func(t *testing.T) {
		waitHealthy(t, e, "tcpcheck", e.Dead2, false)
		if got := send(t, e.web, "/tcpcheck/x", 6, nil); got["a"] != 6 {
			t.Fatalf("dead target probed down: spread %v, want every request on a", got)
		}
	})
	t.Run("passive", func(t *testing.T) {
		failures := 0
		eventually(t, healthWait, "p1 ejected after failing real traffic", func() (bool, string) {
			res := e.web.Get(t, "/passive/x")
			if res.Status == 500 {
				failures++
			}
			n := e.gw.LogCount("target ejected", "target="+e.P1.Addr())
			return n == 1, fmt.Sprintf("%d failures seen", failures)
		})
		if failures < 2 {
			t.Fatalf("ejected after %d failures, want consecutive_failures (2)", failures)
		}
		if got := send(t, e.web, "/passive/x", 10, nil); got["p2"] != 10 {
			t.Fatalf("p1 ejected: spread %v, want every request on p2", got)
		}
	})
}

// waitHealthy waits until the gateway's health metric for target says healthy.
func waitHealthy(t *testing.T, e *featuresEnv, service, target string, healthy bool) {
	t.Helper()
	want := 0.0
	if healthy {
		want = 1
	}
	eventually(t, healthWait, fmt.Sprintf("%s %s healthy=%v", service, target, healthy), func() (bool, string) {
		v := metricValue(metrics(t, e.Admin), "gateway_upstream_healthy",
			fmt.Sprintf("service=%q", service), fmt.Sprintf("target=%q", target))
		return v == want, fmt.Sprintf("gateway_upstream_healthy=%v", v)
	})
}

// testRetries: a request the first target refused is sent to another target, GET and
// POST with its body alike; without retries the client sees the 502.
func testRetries(t *testing.T, e *featuresEnv) {
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			for i := range 6 {
				id, body := newID(), ""
				if method == "POST" {
					body = fmt.Sprintf("payload %d", i)
				}
				res := e.web.Do(t, req{Method: method, Path: "/retry/x", Header: hdr("X-E2e-Id", id), Body: body})
				wantStatus(t, res, 200)
				got := e.Live.Received(id)
				if len(got) != 1 || got[0].Body != body || got[0].Method != method {
					t.Fatalf("request %d: the live target received %+v, want one %s with body %q", i, got, method, body)
				}
			}
		})
	}
	t.Run("disabled", func(t *testing.T) {
		refused := 0
		for range 6 {
			res := e.web.Get(t, "/noretry/x")
			switch {
			case res.Status == 502:
				refused++
			case res.Status != 200 || res.Backend() != "live":
				t.Fatalf("status %d from %q", res.Status, res.Backend())
			}
		}
		if refused != 3 {
			t.Fatalf("%d of 6 requests got 502 with retries off, want 3 (round robin over a dead and a live target)", refused)
		}
	})
}
