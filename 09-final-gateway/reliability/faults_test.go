package reliability_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/reliability/internal/backend"
	"gatewaylab/09-final-gateway/reliability/internal/load"
)

// faultWait bounds how long a fault's effect (an ejection, a recovery, a reload) may
// take to show: a few of its intervals on a race-enabled build on two busy cores.
const faultWait = 15 * time.Second

// TestTargetKilledUnderLoad kills one of three targets while six clients send GETs
// and slow POSTs: only the POSTs in flight on it fail (502; a POST may have been acted
// on, so it is not repeated), every GET succeeds (retried on another target), passive
// ejection takes the dead target out, and it is back in rotation once it is revived.
func TestTargetKilledUnderLoad(t *testing.T) {
	t.Parallel()
	e := startFaultEnv(t)
	base := "http://" + e.cfg.Web
	var gets, posts load.Tally
	var mu sync.Mutex
	failedPOSTs := map[string]string{} // path -> outcome
	w := load.Start(t.Context(), 6, func(ctx context.Context, worker int) {
		client := keepAlive()
		defer client.CloseIdleConnections()
		for ctx.Err() == nil {
			id := rand.Text()[:12]
			if worker%2 == 0 {
				if o, text, stopped := send(ctx, client, "GET", base+"/pool/get/"+id, ""); !stopped {
					gets.Add(o, text)
				}
				continue
			}
			path := "/pool/slow/" + id
			o, text, stopped := send(ctx, client, "POST", base+path+"?d=50ms", "payload "+id)
			if stopped {
				continue
			}
			posts.Add(o, text)
			if o != "200" {
				mu.Lock()
				failedPOSTs[path] = o
				mu.Unlock()
			}
		}
	})
	defer w.Stop()
	waitServed(t, 20, e.a, e.b, e.c)

	killed := time.Now()
	e.b.Kill()
	eventually(t, faultWait, "b ejected", func() (bool, string) {
		n := e.gw.LogCount("target ejected", "target="+e.b.Addr())
		return n > 0, fmt.Sprintf("%d ejections logged", n)
	})
	ejectedAfter := time.Since(killed)
	waitServed(t, 20, e.a, e.c) // the load goes on without it
	if err := e.b.Revive(); err != nil {
		t.Fatal(err)
	}
	revived, before := time.Now(), e.b.Count()
	waitServed(t, before+5, e.b)
	backAfter := time.Since(revived)
	w.Stop()

	if n := gets.Except("200"); n > 0 {
		t.Errorf("%d GETs failed; every one should have been retried on a live target: %s", n, gets.String())
	}
	if n := posts.Except("200", "502"); n > 0 {
		t.Errorf("%d POSTs failed with something else than 502: %s", n, posts.String())
	}
	logged := accessLog(e.gw)
	for path, o := range failedPOSTs {
		if entry, ok := logged[path]; !ok || entry.Upstream != e.b.Addr() {
			t.Errorf("POST %s failed (%s) but was not in flight on the killed target (access log: %+v)", path, o, entry)
		}
	}
	t.Logf("GETs: %s; POSTs: %s; %d POSTs in flight on b failed; ejected %v after the kill; back in rotation %v after the revive",
		gets.String(), posts.String(), len(failedPOSTs), ejectedAfter.Round(time.Millisecond), backAfter.Round(time.Millisecond))
}

// waitServed waits until every backend has received at least n requests.
func waitServed(t *testing.T, n int, backends ...*backend.HTTP) {
	t.Helper()
	eventually(t, faultWait, fmt.Sprintf("each backend served %d requests", n), func() (bool, string) {
		var counts []string
		ok := true
		for _, b := range backends {
			c := b.Count()
			ok = ok && c >= n
			counts = append(counts, fmt.Sprintf("%s=%d", b.Name, c))
		}
		return ok, strings.Join(counts, " ")
	})
}

// TestSlowTarget: a target slower than a route's timeout gives 504 to every caller, in
// about the timeout, whatever the load; one slower than the service's
// response_header_timeout too. When it is fast again, answers are 200.
func TestSlowTarget(t *testing.T) {
	t.Parallel()
	e := startFaultEnv(t)
	e.slow.Delay.Store(int64(2 * time.Second))
	for _, path := range []string{"/timeout/x", "/slow-headers/x"} {
		t.Run(strings.Split(path, "/")[1], func(t *testing.T) {
			var tally load.Tally
			var mu sync.Mutex
			var slowest time.Duration
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					client := keepAlive()
					for range 5 {
						start := time.Now()
						o, text, _ := send(t.Context(), client, "GET", "http://"+e.cfg.Web+path, "")
						tally.Add(o, text)
						mu.Lock()
						slowest = max(slowest, time.Since(start))
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if n := tally.Except("504"); n > 0 {
				t.Errorf("%d of 20 requests to a 2s target behind a 300ms timeout did not get 504: %s", n, tally.String())
			}
			t.Logf("20 requests, 4 at a time, target 2s behind 300ms: %s, slowest answer %v", tally.String(), slowest.Round(time.Millisecond))
		})
	}
	e.slow.Delay.Store(0)
	wantStatus(t, get(t, e.cfg.Web, "/timeout/x", nil), 200)
	wantStatus(t, get(t, e.cfg.Web, "/slow-headers/x", nil), 200)
}

// TestErroringTargetOpensBreaker: a target that answers 500 opens the route's circuit
// after min_requests (10) at 50% errors; clients get the fallback (200) throughout,
// the target gets no traffic while the circuit is open (but one trial per sleep
// window), and after it recovers the half-open trial closes the circuit again.
func TestErroringTargetOpensBreaker(t *testing.T) {
	t.Parallel()
	e := startFaultEnv(t)
	e.fail.Status.Store(500)
	var tally load.Tally
	client := keepAlive()
	call := func() string {
		o, text, _ := send(t.Context(), client, "GET", "http://"+e.cfg.Web+"/breaker/x", "")
		if o == "200" && text == "fallback\n" {
			o = "fallback"
		}
		tally.Add(o, "")
		return o
	}
	breaker := func() float64 { return scrape(t, e.gw).Value("gateway_breaker_state", `route="breaker"`) }
	eventually(t, faultWait, "the circuit open", func() (bool, string) {
		call()
		s := breaker()
		return s == 1, fmt.Sprintf("breaker state %v after %s", s, tally.String())
	})
	openedAfter, opened := e.fail.Count(), time.Now()
	for range 20 {
		if o := call(); o != "fallback" {
			t.Fatalf("circuit open: got %s, want the fallback", o)
		}
	}
	// While open, the target gets one trial request per sleep window (2s), no more.
	trials := int(time.Since(opened) / (2 * time.Second))
	if n := e.fail.Count() - openedAfter; n > trials {
		t.Errorf("the target received %d requests while the circuit was open, want at most %d trials", n, trials)
	}
	e.fail.Status.Store(0)
	eventually(t, faultWait, "the circuit closed after the target recovered", func() (bool, string) {
		o := call()
		return o == "200" && breaker() == 0, fmt.Sprintf("%s, breaker %v", o, breaker())
	})
	if n := tally.Except("200", "fallback"); n > 0 {
		t.Errorf("clients saw %d answers other than the real one or the fallback: %s", n, tally.String())
	}
	t.Logf("circuit opened after %d failed calls reached the target; %s", openedAfter, tally.String())
}

// TestClientFaultsAreNotBlamedOnTargets: a client's malformed or oversize chunked body,
// or a body it stops sending, is the client's fault: it gets a 4xx, and the target,
// which did nothing wrong, is neither ejected by passive health checks nor cut off by
// the route's circuit breaker. Otherwise any client could take healthy targets out of
// rotation for everyone.
func TestClientFaultsAreNotBlamedOnTargets(t *testing.T) {
	t.Parallel()
	e := startFaultEnv(t)
	bad := map[string]string{
		"malformed_chunk": "POST /pair/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
		"oversize_chunked": "POST /pair/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
			strings.Repeat("x", 2048) + "\r\n0\r\n\r\n",
	}
	for name, raw := range bad {
		t.Run(name, func(t *testing.T) {
			for range 6 {
				ex := rawExchange(t, e.cfg.Web, raw, 2*time.Second)
				if s := ex.First(); s < 400 || s >= 500 {
					t.Errorf("got %v, want a 4xx: the client sent the bad body", ex.Statuses)
				}
			}
		})
	}
	m := scrape(t, e.gw)
	if n := e.gw.LogCount("target ejected"); n > 0 {
		t.Errorf("%d healthy targets ejected because of clients' bodies", n)
	}
	if s := m.Value("gateway_breaker_state", `route="pair"`); s > 0 {
		t.Errorf("the circuit of /pair is %v (open) because of clients' bodies", s)
	}
	for range 4 {
		wantStatus(t, get(t, e.cfg.Web, "/pair/x", nil), 200)
	}
}
