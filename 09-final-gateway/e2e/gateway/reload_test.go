package gateway_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/gorilla/websocket"
)

// reloads is how many configuration changes TestHotReload applies under load.
const reloads = 20

// reloadConfig fills testdata/reload.yaml.tmpl.
type reloadConfig struct {
	Admin, Web, TCP        string
	Stable, Flip, WS, Echo string
	Gen                    int
	Policy                 string
	Extra                  []string
	x, y                   string // the flip service's two possible targets
}

func (c *reloadConfig) render(t *testing.T) string {
	t.Helper()
	tmpl, err := template.ParseFiles(filepath.Join("testdata", "reload.yaml.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// generation sets c to configuration generation gen: the flip target alternates, the
// flip policy changes every third generation (the service is rebuilt), and every
// fourth generation has a route of its own.
func (c *reloadConfig) generation(gen int) {
	c.Gen, c.Flip, c.Policy, c.Extra = gen, c.x, "round_robin", nil
	if gen%2 == 1 {
		c.Flip = c.y
	}
	if gen%3 == 0 {
		c.Policy = "random"
	}
	if gen%4 == 0 {
		c.Extra = []string{fmt.Sprintf("extra-%d", gen)}
	}
}

// TestHotReload applies 20 configuration changes, alternately by rewriting the file
// (the watcher) and by SIGHUP, while clients keep sending requests: not one may fail,
// and a WebSocket and a TCP session opened before the first reload still work after the
// last. An invalid file is then refused, logged and counted, and the old configuration
// keeps serving.
func TestHotReload(t *testing.T) {
	stable := newHTTPBackend(t, "stable", plainHTTP1)
	x, y := newHTTPBackend(t, "x", plainHTTP1), newHTTPBackend(t, "y", plainHTTP1)
	ws, echo := newWSBackend(t), newTCPEcho(t)
	addrs := freeAddrs(t, 3)
	cfg := &reloadConfig{Admin: addrs[0], Web: addrs[1], TCP: addrs[2], Stable: stable.Addr(),
		WS: ws.Addr, Echo: echo.Addr, x: x.Addr(), y: y.Addr()}
	cfg.generation(0)
	dir := t.TempDir()
	path := writeConfig(t, dir, cfg.render(t))
	gw := startGateway(t, procOptions{Config: path, Admin: cfg.Admin, Args: []string{"-watch", "100ms"}})
	web := newClient(cfg.Web)

	conn, _ := wsDial(t, "ws://"+cfg.Web+"/ws", nil)
	wsEcho(t, conn, websocket.TextMessage, "before the reloads")
	session := dialTCP(t, cfg.TCP)
	session.Echo(t, "before the reloads")

	load := startLoad(t, cfg.Web)
	sighups := 0
	for gen := 1; gen <= reloads; gen++ {
		cfg.generation(gen)
		writeConfig(t, dir, cfg.render(t))
		if gen%2 == 1 {
			sighups++
			gw.Signal(t, syscall.SIGHUP)
			eventually(t, 10*time.Second, "reload on SIGHUP", func() (bool, string) {
				n := gw.LogCount("reloaded on SIGHUP")
				return n >= sighups, fmt.Sprintf("%d SIGHUP reloads logged", n)
			})
		}
		waitGeneration(t, web, gen)
		if res := web.Get(t, "/flip/x"); res.Backend() != map[bool]string{true: "x", false: "y"}[gen%2 == 0] {
			t.Fatalf("generation %d: /flip answered by %q, want its new target", gen, res.Backend())
		}
		checkExtraRoutes(t, web, gen)
	}
	stats := load.stop()

	t.Run("no_failed_requests", func(t *testing.T) {
		if stats.failed != 0 || stats.ok < 100 {
			t.Fatalf("%d of %d requests failed across %d reloads; first failures:\n%s",
				stats.failed, stats.failed+stats.ok, reloads, strings.Join(stats.samples, "\n"))
		}
		t.Logf("%d requests, none failed, across %d reloads", stats.ok, reloads)
	})
	t.Run("both_triggers_reloaded", func(t *testing.T) {
		if n := gw.LogCount("reloaded after the file changed"); n < reloads/2 {
			t.Errorf("%d reloads by the file watcher logged, want at least %d", n, reloads/2)
		}
		if v := metricValue(metrics(t, cfg.Admin), "gateway_config_reloads_total", `result="ok"`); v < reloads {
			t.Errorf("gateway_config_reloads_total{result=ok} = %v, want at least %d", v, reloads)
		}
	})
	t.Run("websocket_survives", func(t *testing.T) {
		wsEcho(t, conn, websocket.TextMessage, "after the reloads")
		if n := ws.echo.Len(); n != 1 {
			t.Fatalf("the websocket backend has %d connections, want the 1 opened before the reloads", n)
		}
	})
	t.Run("tcp_session_survives", func(t *testing.T) {
		session.Echo(t, "after the reloads")
		if n := echo.accepted.Load(); n != 1 {
			t.Fatalf("the tcp backend accepted %d connections, want the 1 opened before the reloads", n)
		}
	})
	t.Run("invalid_config_refused", func(t *testing.T) {
		testRefusedReloads(t, gw, cfg, dir, web)
	})
}

// waitGeneration waits until the gateway serves configuration generation gen.
func waitGeneration(t *testing.T, web *client, gen int) {
	t.Helper()
	want := fmt.Sprint(gen)
	eventually(t, 10*time.Second, "generation "+want+" served", func() (bool, string) {
		res := web.Get(t, "/gen")
		return res.Header.Get("X-Config-Gen") == want, fmt.Sprintf("status %d, X-Config-Gen %q", res.Status,
			res.Header.Get("X-Config-Gen"))
	})
}

// checkExtraRoutes checks that generation gen's own route is served and the one before
// is gone.
func checkExtraRoutes(t *testing.T, web *client, gen int) {
	t.Helper()
	if gen%4 == 0 {
		wantStatus(t, web.Get(t, fmt.Sprintf("/extra-%d/x", gen)), 200)
	}
	if gen%4 == 1 && gen > 4 {
		wantStatus(t, web.Get(t, fmt.Sprintf("/extra-%d/x", gen-1)), 404)
	}
}

// testRefusedReloads writes two invalid files: one the configuration loader refuses
// (a route to a service that does not exist) and one that only building the gateway
// finds wrong (a JWT key whose environment variable is unset). Each is refused, logged
// and counted; the old configuration keeps serving; a valid file is then taken again.
func testRefusedReloads(t *testing.T, gw *gatewayProc, cfg *reloadConfig, dir string, web *client) {
	good := cfg.render(t)
	for i, bad := range []struct{ name, yaml, logs string }{
		{"validation", good + "  - {name: bad, path_prefix: /bad, service: missing}\n", `no service named \"missing\"`},
		{"build", good + "auth:\n  jwt:\n    keys: [{id: k, algorithm: HS256, secret_env: E2E_UNSET_SECRET}]\n", "E2E_UNSET_SECRET"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			writeConfig(t, dir, bad.yaml)
			eventually(t, 10*time.Second, "reload refused", func() (bool, string) {
				v := metricValue(metrics(t, cfg.Admin), "gateway_config_reloads_total", `result="refused"`)
				return v == float64(i+1), fmt.Sprintf("gateway_config_reloads_total{result=refused} = %v", v)
			})
			if gw.LogCount("refused", bad.logs) == 0 {
				t.Errorf("the refused reload was not logged with its reason (%s)", bad.logs)
			}
			waitGeneration(t, web, cfg.Gen)
			wantStatus(t, web.Get(t, "/stable/still-serving"), 200)
		})
	}
	cfg.generation(cfg.Gen + 1)
	writeConfig(t, dir, cfg.render(t))
	waitGeneration(t, web, cfg.Gen)
}

// loadStats is what the load clients saw.
type loadStats struct {
	ok, failed int64
	samples    []string
}

// load is a few clients sending requests until stopped.
type load struct {
	stopped chan struct{}
	wg      sync.WaitGroup
	ok      atomic.Int64
	failed  atomic.Int64
	mu      sync.Mutex
	samples []string
}

// startLoad starts four clients against web: two reuse connections, two open one per
// request, and one of each sends slow requests that are in flight during reloads.
func startLoad(t *testing.T, web string) *load {
	l := &load{stopped: make(chan struct{})}
	for i := range 4 {
		c := newClient(web)
		c.hc.Transport.(*http.Transport).DisableKeepAlives = i%2 == 1
		slow := i < 2
		l.wg.Go(func() { l.run(c, slow) })
	}
	return l
}

func (l *load) run(c *client, slow bool) {
	for i := 0; ; i++ {
		select {
		case <-l.stopped:
			return
		default:
		}
		path, want := "/stable/x", []string{"stable"}
		switch {
		case i%2 == 1:
			path, want = "/flip/x", []string{"x", "y"}
		case slow && i%10 == 0:
			path = "/stable/slow?d=150ms"
		}
		l.check(c, path, want)
	}
}

// check sends one request and records whether it got 200 from a wanted backend.
func (l *load) check(c *client, path string, want []string) {
	res, err := c.Try(req{Path: path})
	switch {
	case err != nil:
		l.fail(fmt.Sprintf("%s: %v", path, err))
	case res.Status != 200:
		l.fail(fmt.Sprintf("%s: status %d: %s", path, res.Status, strings.TrimSpace(res.Body)))
	case !slices.Contains(want, res.Backend()):
		l.fail(fmt.Sprintf("%s: answered by %q, want one of %v", path, res.Backend(), want))
	default:
		l.ok.Add(1)
	}
}

func (l *load) fail(msg string) {
	l.failed.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.samples) < 10 {
		l.samples = append(l.samples, msg)
	}
}

// stop stops the clients and returns what they saw.
func (l *load) stop() loadStats {
	close(l.stopped)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return loadStats{ok: l.ok.Load(), failed: l.failed.Load(), samples: l.samples}
}
