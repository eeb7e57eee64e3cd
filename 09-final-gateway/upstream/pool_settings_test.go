package upstream

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/config"
)

// These tests prove that services[].upstream's pool settings reach the connection
// pool: the service comes from a parsed configuration (defaults and validation as an
// operator's file gets them) and its requests go to a real backend that watches its
// connections.

// waitFor bounds every poll in these tests.
const waitFor = 5 * time.Second

// parseService parses a configuration with one service "api" over addr, with the
// given upstream block, and returns the service's configuration.
func parseService(t *testing.T, addr, upstreamYAML string) config.Service {
	t.Helper()
	f, err := config.Parse("test.yaml", []byte(`
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services:
  - name: api
    targets: [{addr: "`+addr+`"}]
    upstream: `+upstreamYAML+`
routes: [{name: api, path_prefix: /, service: api}]
`))
	if err != nil {
		t.Fatal(err)
	}
	return f.Config.Services[0]
}

// TestTransportTakesPoolSettings: the pool knobs that only the Transport can show.
func TestTransportTakesPoolSettings(t *testing.T) {
	tests := []struct {
		name                    string
		yaml                    string
		idle                    time.Duration
		maxIdlePerHost, maxConn int
	}{
		{"set", `{idle_conn_timeout: 42s, max_idle_conns_per_host: 7, max_conns_per_host: 3}`, 42 * time.Second, 7, 3},
		{"defaults", `{}`, 90 * time.Second, 256, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTransport(parseService(t, "127.0.0.1:1", tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if tr.IdleConnTimeout != tt.idle || tr.MaxIdleConnsPerHost != tt.maxIdlePerHost || tr.MaxConnsPerHost != tt.maxConn {
				t.Errorf("transport idle %v, max idle per host %d, max per host %d; want %v, %d, %d",
					tr.IdleConnTimeout, tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost, tt.idle, tt.maxIdlePerHost, tt.maxConn)
			}
		})
	}
}

// connWatcher records the state of every connection a test server accepts.
type connWatcher struct {
	mu     sync.Mutex
	states map[net.Conn][]http.ConnState
}

func (c *connWatcher) hook(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.states == nil {
		c.states = map[net.Conn][]http.ConnState{}
	}
	c.states[conn] = append(c.states[conn], st)
}

// count returns how many connections were accepted, and how many are in state now.
func (c *connWatcher) count(now http.ConnState) (accepted, in int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, seq := range c.states {
		if seq[len(seq)-1] == now {
			in++
		}
	}
	return len(c.states), in
}

// watchedBackend starts a backend running handler whose connections w watches.
func watchedBackend(t *testing.T, handler http.HandlerFunc) (string, *connWatcher) {
	t.Helper()
	w := &connWatcher{}
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ConnState = w.hook
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), w
}

// eventually polls cond every 10 ms until it holds or waitFor passes.
func eventually(t *testing.T, cond func() bool, failure func() string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(failure())
		}
		<-tick.C
	}
}

// TestIdleConnTimeout: upstream.idle_conn_timeout closes a pooled connection that
// stayed idle that long (the default keeps it 90s).
func TestIdleConnTimeout(t *testing.T) {
	addr, conns := watchedBackend(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	url := front(t, service(t, parseService(t, addr, `{idle_conn_timeout: 100ms}`), nil))
	if code, _ := get(t, url); code != 200 {
		t.Fatalf("status %d", code)
	}
	eventually(t, func() bool { _, closed := conns.count(http.StateClosed); return closed == 1 }, func() string {
		accepted, idle := conns.count(http.StateIdle)
		return fmt.Sprintf("the idle upstream connection is still open: accepted %d, idle %d", accepted, idle)
	})
	conns.mu.Lock()
	defer conns.mu.Unlock()
	for _, seq := range conns.states {
		if len(seq) < 2 || seq[len(seq)-2] != http.StateIdle {
			t.Errorf("connection states %v: want it closed after being idle (kept alive, then timed out)", seq)
		}
	}
}

// TestMaxIdleConnsPerHost: after a burst of three concurrent requests, only
// upstream.max_idle_conns_per_host (1) of the three connections stays pooled; the
// others are closed.
func TestMaxIdleConnsPerHost(t *testing.T) {
	const burst = 3
	var arrived atomic.Int32
	all := make(chan struct{})
	addr, conns := watchedBackend(t, func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == burst {
			close(all)
		}
		select { // hold every request until the burst is in flight: three connections
		case <-all:
		case <-r.Context().Done():
		}
		io.WriteString(w, "ok")
	})
	url := front(t, service(t, parseService(t, addr, `{max_idle_conns_per_host: 1}`), nil))
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			if code, _ := get(t, url); code != 200 {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	eventually(t, func() bool { _, closed := conns.count(http.StateClosed); return closed == burst-1 }, func() string {
		accepted, closed := conns.count(http.StateClosed)
		return fmt.Sprintf("surplus connections not closed: accepted %d, closed %d", accepted, closed)
	})
	if accepted, idle := conns.count(http.StateIdle); accepted != burst || idle != 1 {
		t.Errorf("accepted %d connections, %d idle; want %d and 1", accepted, idle, burst)
	}
}

// TestMaxConnsPerHost: with upstream.max_conns_per_host 1, a second request waits for
// the first one's connection instead of opening another, so the target never has two
// at once; without the setting it opens a second connection at once.
func TestMaxConnsPerHost(t *testing.T) {
	tests := []struct {
		name        string
		yaml        string
		wantOverlap bool
	}{
		{"limit 1", `{max_conns_per_host: 1}`, false},
		{"no limit", `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arrived, release := make(chan struct{}, 2), make(chan struct{})
			addr, conns := watchedBackend(t, func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				select {
				case <-release:
				case <-r.Context().Done():
				}
				io.WriteString(w, "ok")
			})
			h, err := service(t, parseService(t, addr, tt.yaml), nil).Handler(nil)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan int, 2)
			serve := func(trace *httptrace.ClientTrace) {
				req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "http://gw/x", nil)
				if trace != nil {
					req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				done <- rec.Code
			}
			go serve(nil)
			receive(t, arrived, "the first request never reached the target")
			asking := make(chan struct{})
			var once sync.Once
			var reused atomic.Bool
			go serve(&httptrace.ClientTrace{
				GetConn: func(string) { once.Do(func() { close(asking) }) },
				GotConn: func(info httptrace.GotConnInfo) { reused.Store(info.Reused) },
			})
			receive(t, asking, "the second request never asked the pool for a connection")
			// The second request is in the pool now. Were it free to dial, it would reach
			// the target within a loopback dial's time; the limit holds it back for good,
			// so the window's length cannot make the limited case flaky. The control
			// case, which expects the overlap, may wait for it as long as it takes.
			window := 200 * time.Millisecond
			if tt.wantOverlap {
				window = waitFor
			}
			overlap := false
			select {
			case <-arrived:
				overlap = true
			case <-time.After(window):
			}
			close(release)
			for range 2 {
				if code := <-done; code != 200 {
					t.Errorf("status %d", code)
				}
			}
			if overlap != tt.wantOverlap {
				t.Fatalf("two requests at the target at once: %v, want %v", overlap, tt.wantOverlap)
			}
			if accepted, _ := conns.count(http.StateIdle); !tt.wantOverlap && (accepted != 1 || !reused.Load()) {
				t.Errorf("accepted %d connections (second request reused one: %v); want 1, reused", accepted, reused.Load())
			}
		})
	}
}

// receive waits (boundedly) for ch.
func receive[T any](t *testing.T, ch <-chan T, failure string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitFor):
		t.Fatal(failure)
	}
}
