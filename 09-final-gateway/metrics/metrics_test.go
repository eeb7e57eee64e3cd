package metrics

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func TestMiddlewareCountsByRouteAndCode(t *testing.T) {
	m := New()
	h := m.Middleware("web", func(*http.Request) (string, string) { return "api", "users" }, nil,
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/limited" {
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			io.WriteString(w, "ok")
		}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/", "/", "/limited"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	out := scrape(t, m)
	for _, want := range []string{
		`gateway_requests_total{code="200",listener="web",route="api",service="users"} 2`,
		`gateway_requests_total{code="429",listener="web",route="api",service="users"} 1`,
		`gateway_rate_limited_total{route="api"} 1`,
		`gateway_request_duration_seconds_count{route="api"} 3`,
		`gateway_requests_in_flight 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A WebSocket tunnel (the connection hijacked, its 101 written on the raw connection)
// is counted as 101, not as 499 "nothing written".
func TestMiddlewareCountsHijackAs101(t *testing.T) {
	m := New()
	counted := make(chan int, 1)
	h := m.Middleware("web", func(*http.Request) (string, string) { return "ws", "chat" }, func(code int) { counted <- code },
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			defer conn.Close()
			_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
			_ = brw.Flush()
		}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	if code := <-counted; code != http.StatusSwitchingProtocols {
		t.Errorf("counted as %d; want 101", code)
	}
	if want := `gateway_requests_total{code="101",listener="web",route="ws",service="chat"} 1`; !strings.Contains(scrape(t, m), want) {
		t.Errorf("metrics lack %s", want)
	}
}

func TestGaugesAndReloads(t *testing.T) {
	m := New()
	m.SetHealthy("users", "10.0.0.1:80", true)
	m.SetHealthy("users", "10.0.0.2:80", false)
	m.SetBreaker("api", 1)
	m.Reloaded("aaaa", nil)
	m.Reloaded("bbbb", nil)
	m.Reloaded("", errTest{})
	m.SetDependencyUp("etcd", false)
	m.Observe("web", "", "", 404, time.Millisecond)
	out := scrape(t, m)
	for _, want := range []string{
		`gateway_upstream_healthy{service="users",target="10.0.0.1:80"} 1`,
		`gateway_upstream_healthy{service="users",target="10.0.0.2:80"} 0`,
		`gateway_breaker_state{route="api"} 1`,
		`gateway_config_reloads_total{result="ok"} 2`,
		`gateway_config_reloads_total{result="refused"} 1`,
		`gateway_config_info{hash="bbbb"} 1`,
		`gateway_dependency_up{dependency="etcd"} 0`,
		`route="(none)"`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(out, `hash="aaaa"`) {
		t.Error("old config hash still exported")
	}
}

type errTest struct{}

func (errTest) Error() string { return "refused" }
