package breaker_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/internal/testhttp"
)

// Why polling: hystrix-go keeps wall-clock time and feeds its health metrics through a
// goroutine per circuit that never exits, so testing/synctest cannot host it (its
// bubble would never drain). The tests keep SleepWindow short and wait for observable
// state with a bounded poll instead of sleeping a guessed amount.
func waitState(tb testing.TB, c *breaker.Circuit, want breaker.State) {
	tb.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for c.State() != want {
		if time.Now().After(deadline) {
			tb.Fatalf("circuit %s state %v; want %v within 3s", c.Name(), c.State(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var circuitSeq atomic.Int64

// uniqueName names a fresh circuit: hystrix circuits live as long as the process, and
// -count=N reruns a test in the same process.
func uniqueName(tb testing.TB) string {
	return fmt.Sprintf("%s-%d", tb.Name(), circuitSeq.Add(1))
}

// upstream is a real backend whose health the test switches.
type upstream struct {
	srv     *httptest.Server
	failing atomic.Bool
	hits    atomic.Int64
}

func newUpstream(tb testing.TB) *upstream {
	tb.Helper()
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		u.hits.Add(1)
		if u.failing.Load() {
			http.Error(w, "upstream broken", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "real answer")
	}))
	tb.Cleanup(u.srv.Close)
	return u
}

// transitions records OnStateChange calls.
type transitions struct {
	mu  sync.Mutex
	log []string
}

func (tr *transitions) record(_ string, from, to breaker.State) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.log = append(tr.log, from.String()+"->"+to.String())
}

func (tr *transitions) String() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return strings.Join(tr.log, " ")
}

type response struct {
	status int
	body   string
	reason string
}

func get(tb testing.TB, url string) response {
	tb.Helper()
	r := testhttp.Get(tb, url, nil)
	return response{r.Status, strings.TrimSpace(r.Body), r.Header.Get(breaker.DegradedHeader)}
}

// gateway serves next behind a breaker configured by cfg.
func gateway(tb testing.TB, next http.Handler, cfg breaker.Config) (*httptest.Server, *breaker.Circuit) {
	tb.Helper()
	h := testhttp.Build(tb, breaker.New, next, cfg)
	return testhttp.Serve(tb, h), breaker.CircuitOf(h)
}

var staticFallback = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, _ = io.WriteString(w, "degraded answer")
})

func TestOpensServesFallbackHalfOpensAndCloses(t *testing.T) {
	up := newUpstream(t)
	tr := &transitions{}
	gw, c := gateway(t, testhttp.Proxy(t, up.srv.URL), breaker.Config{
		CircuitConfig: breaker.CircuitConfig{
			Name:                   uniqueName(t),
			ErrorPercentThreshold:  50,
			RequestVolumeThreshold: 4,
			SleepWindow:            150 * time.Millisecond,
			Timeout:                time.Second,
			MaxConcurrentRequests:  10,
			OnStateChange:          tr.record,
		},
		Fallback: staticFallback,
	})

	up.failing.Store(true)
	for i := range 4 { // the request volume threshold, all failing
		if got := get(t, gw.URL); got != (response{200, "degraded answer", "upstream-failure"}) {
			t.Fatalf("failing call %d: %+v; want the fallback for an upstream failure", i, got)
		}
	}
	waitState(t, c, breaker.Open)

	before := up.hits.Load()
	if got := get(t, gw.URL); got != (response{200, "degraded answer", "circuit-open"}) {
		t.Fatalf("while open: %+v; want the fallback for an open circuit", got)
	}
	if up.hits.Load() != before {
		t.Fatal("an open circuit let a request reach the upstream")
	}

	up.failing.Store(false)
	waitState(t, c, breaker.HalfOpen)
	if got := get(t, gw.URL); got != (response{200, "real answer", ""}) {
		t.Fatalf("probe: %+v; want the real answer", got)
	}
	if s := c.State(); s != breaker.Closed {
		t.Fatalf("after a successful probe: %v; want closed", s)
	}
	if got, want := tr.String(), "closed->open open->half-open half-open->closed"; got != want {
		t.Errorf("transitions %q; want %q", got, want)
	}
}

func TestFailedProbeReopens(t *testing.T) {
	up := newUpstream(t)
	gw, c := gateway(t, testhttp.Proxy(t, up.srv.URL), breaker.Config{
		CircuitConfig: breaker.CircuitConfig{
			Name: uniqueName(t), RequestVolumeThreshold: 2, SleepWindow: 100 * time.Millisecond,
		},
	})

	up.failing.Store(true)
	for range 2 {
		if got := get(t, gw.URL); got.status != 500 {
			t.Fatalf("without a fallback the failure passes through: %+v", got)
		}
	}
	waitState(t, c, breaker.Open)
	if got := get(t, gw.URL); got != (response{503, "circuit open", "circuit-open"}) {
		t.Fatalf("open without fallback: %+v; want 503 circuit open", got)
	}
	waitState(t, c, breaker.HalfOpen)
	if got := get(t, gw.URL); got.status != 500 {
		t.Fatalf("probe to a still-broken upstream: %+v; want its 500", got)
	}
	if s := c.State(); s != breaker.Open {
		t.Errorf("after a failed probe: %v; want open for another window", s)
	}
}

func TestTimeoutCountsAndFallsBack(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a stuck upstream; the proxy's deadline ends the wait
	}))
	t.Cleanup(slow.Close)
	gw, _ := gateway(t, testhttp.Proxy(t, slow.URL), breaker.Config{
		CircuitConfig: breaker.CircuitConfig{Name: uniqueName(t), Timeout: 50 * time.Millisecond},
		Fallback:      staticFallback,
	})
	if got := get(t, gw.URL); got != (response{200, "degraded answer", "timeout"}) {
		t.Errorf("timed-out call: %+v; want the fallback with reason timeout", got)
	}
}

// TestSlowHandlerIsNeverAbandoned: a handler that ignores its context finishes its own
// response; the middleware waits instead of answering over it (the course's bug).
func TestSlowHandlerIsNeverAbandoned(t *testing.T) {
	gw, _ := gateway(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(80 * time.Millisecond) // deliberately deaf to the 20ms deadline
		_, _ = io.WriteString(w, "late but whole")
	}), breaker.Config{
		CircuitConfig: breaker.CircuitConfig{Name: uniqueName(t), Timeout: 20 * time.Millisecond},
		Fallback:      staticFallback,
	})
	if got := get(t, gw.URL); got != (response{200, "late but whole", ""}) {
		t.Errorf("got %+v; want the handler's own complete response", got)
	}
}

func TestMaxConcurrency(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	gw, _ := gateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			entered <- struct{}{}
			<-release
		}
		_, _ = io.WriteString(w, "real answer")
	}), breaker.Config{
		CircuitConfig: breaker.CircuitConfig{Name: uniqueName(t), MaxConcurrentRequests: 1},
		Fallback:      staticFallback,
	})
	done := make(chan response)
	go func() { done <- get(t, gw.URL+"/hold") }()
	<-entered
	if got := get(t, gw.URL); got != (response{200, "degraded answer", "max-concurrency"}) {
		t.Errorf("second call while one runs: %+v; want fallback max-concurrency", got)
	}
	close(release)
	if got := <-done; got.body != "real answer" {
		t.Errorf("held call: %+v", got)
	}
	// Sequential calls after the slot is back are never refused (hystrix's late ticket
	// return made the course see ErrMaxConcurrency on sequential traffic).
	for range 20 {
		if got := get(t, gw.URL); got.body != "real answer" {
			t.Fatalf("sequential call: %+v; want real answer", got)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  breaker.CircuitConfig
		want string
	}{
		{"no name", breaker.CircuitConfig{}, "Name"},
		{"percent over 100", breaker.CircuitConfig{Name: "x", ErrorPercentThreshold: 101}, "ErrorPercentThreshold"},
		{"negative volume", breaker.CircuitConfig{Name: "x", RequestVolumeThreshold: -1}, "RequestVolumeThreshold"},
		{"sub-millisecond window", breaker.CircuitConfig{Name: "x", SleepWindow: time.Microsecond}, "SleepWindow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := breaker.NewCircuit(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewCircuit error = %v; want it to name %s", err, tt.want)
			}
		})
	}
}
