package main

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
)

// These tests run the command's run function in-process, as main does, with a
// configuration file, and stop it the way an operator does: SIGTERM. run registers
// for SIGTERM (signal.NotifyContext) before it prints its banner, so the signal is
// sent only once the banner is out; until then it would end the test binary.

// waitFor bounds how long the gateway may take to start or stop.
const waitFor = 10 * time.Second

// gatewayRun is one run of the command.
type gatewayRun struct {
	stdout, stderr proc.Buffer // run's goroutines write them while the test reads
	admin          string      // the admin listener's address, from the banner
	done           chan error
	stopped        bool
}

// bannerAdmin finds the admin listener's address in the banner.
var bannerAdmin = regexp.MustCompile(`(?m)^  admin  http  (\S+) `)

// startGateway writes yaml to a file and runs `gateway -config FILE -watch 0` until the
// banner is printed. The gateway is stopped (SIGTERM) at the end of the test, unless
// the test stopped it already.
func startGateway(t *testing.T, yaml string) *gatewayRun {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir()) // where a tls.dev listener writes its CA
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) }) // run makes its logger the default
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	g := &gatewayRun{done: make(chan error, 1)}
	go func() { g.done <- run([]string{"-config", path, "-watch", "0"}, &g.stdout, &g.stderr) }()
	deadline := time.After(waitFor)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		// The last line of the banner names the admin API: the banner is complete.
		if out := g.stdout.String(); strings.Contains(out, "/api/v1/health") {
			g.admin = bannerAdmin.FindStringSubmatch(out)[1]
			break
		}
		select {
		case err := <-g.done:
			t.Fatalf("gateway exited before serving: %v\nstderr:\n%s", err, g.stderr.String())
		case <-deadline:
			t.Fatalf("no banner after %v\nstdout:\n%s\nstderr:\n%s", waitFor, g.stdout.String(), g.stderr.String())
		case <-tick.C:
		}
	}
	t.Cleanup(func() { g.stop(t) })
	return g
}

// stop sends SIGTERM and waits for run to return. Once run has returned, SIGTERM is
// no longer caught: a second stop does nothing.
func (g *gatewayRun) stop(t *testing.T) {
	t.Helper()
	if g.stopped {
		return
	}
	g.stopped = true
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-g.done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(waitFor):
		t.Fatalf("gateway still running %v after SIGTERM", waitFor)
	}
}

// gatewayYAML is a small gateway: an http listener, an https one with a development
// certificate (it logs a warning at start), a tcp listener that refuses loopback
// clients (it logs each refusal at debug level), and the admin API.
func gatewayYAML(logLevel, tokenEnv string) string {
	return `
log: {level: ` + logLevel + `}
admin: {listen: "127.0.0.1:0", token_env: ` + tokenEnv + `}
listeners:
  - {name: web, protocol: http, listen: "127.0.0.1:0"}
  - {name: secure, protocol: https, listen: "127.0.0.1:0", tls: {dev: true}}
  - {name: raw, protocol: tcp, listen: "127.0.0.1:0", service: raw, middleware: {ip: {deny: [127.0.0.1]}}}
services:
  - {name: api, targets: [{addr: "127.0.0.1:1"}]}
  - {name: raw, protocol: tcp, targets: [{addr: "127.0.0.1:1"}]}
routes: [{name: api, path_prefix: /api, service: api}]
`
}

// bannerRaw finds the tcp listener's address in the banner.
var bannerRaw = regexp.MustCompile(`(?m)^  raw\s+tcp\s+(\S+)`)

// refusedByRaw connects to the tcp listener, which refuses loopback clients, and waits
// until the gateway closed the connection: its refusal has been logged by then.
func refusedByRaw(t *testing.T, g *gatewayRun) {
	t.Helper()
	m := bannerRaw.FindStringSubmatch(g.stdout.String())
	if m == nil {
		t.Fatalf("no tcp listener in the banner:\n%s", g.stdout.String())
	}
	conn, err := net.Dial("tcp", m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(waitFor)); err != nil {
		t.Fatal(err)
	}
	if n, err := conn.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("the refused connection read %d bytes, %v; want it closed", n, err)
	}
}

// TestLogLevel: log.level is the least severe level the gateway logs.
func TestLogLevel(t *testing.T) {
	tests := []struct {
		level                         string
		wantDebug, wantInfo, wantWarn bool
	}{
		{"debug", true, true, true},
		{"info", false, true, true},
		{"warn", false, false, true},
		{"error", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			t.Setenv("GW_SETTINGS_TOKEN", "a-token")
			g := startGateway(t, gatewayYAML(tt.level, "GW_SETTINGS_TOKEN"))
			refusedByRaw(t, g)
			g.stop(t)
			logs := g.stderr.String()
			if got := strings.Contains(logs, `level=DEBUG msg="tcp connection refused"`); got != tt.wantDebug {
				t.Errorf("debug line %q logged: %v, want %v", "tcp connection refused", got, tt.wantDebug)
			}
			if got := strings.Contains(logs, "level=INFO msg=listening"); got != tt.wantInfo {
				t.Errorf("info line %q logged: %v, want %v", "listening", got, tt.wantInfo)
			}
			if got := strings.Contains(logs, `level=WARN msg="serving a development certificate`); got != tt.wantWarn {
				t.Errorf("warning %q logged: %v, want %v", "serving a development certificate", got, tt.wantWarn)
			}
			if t.Failed() {
				t.Logf("stderr:\n%s", logs)
			}
		})
	}
}

// TestAdminTokenEnv: admin.token_env names the variable that holds the admin token.
// The default variable (GATEWAY_ADMIN_TOKEN) is then ignored; with the named variable
// empty, the gateway makes a token, prints it, and only that token opens the API.
func TestAdminTokenEnv(t *testing.T) {
	const named, fromDefault = "token-from-the-named-variable", "token-from-the-default-variable"
	t.Run("named variable set", func(t *testing.T) {
		t.Setenv("GW_SETTINGS_TOKEN", named)
		t.Setenv("GATEWAY_ADMIN_TOKEN", fromDefault)
		g := startGateway(t, gatewayYAML("warn", "GW_SETTINGS_TOKEN"))
		wantAdmin(t, g.admin, named, http.StatusOK)
		wantAdmin(t, g.admin, fromDefault, http.StatusUnauthorized)
		if out := g.stdout.String(); strings.Contains(out, named) || !strings.Contains(out, "$GW_SETTINGS_TOKEN") {
			t.Errorf("the banner should name $GW_SETTINGS_TOKEN, never print the token:\n%s", out)
		}
	})
	t.Run("named variable empty", func(t *testing.T) {
		t.Setenv("GW_SETTINGS_TOKEN", "")
		t.Setenv("GATEWAY_ADMIN_TOKEN", fromDefault)
		g := startGateway(t, gatewayYAML("warn", "GW_SETTINGS_TOKEN"))
		m := regexp.MustCompile(`set GW_SETTINGS_TOKEN to choose one\):\n  (\S+)\n`).FindStringSubmatch(g.stdout.String())
		if m == nil {
			t.Fatalf("no generated token in the banner:\n%s", g.stdout.String())
		}
		wantAdmin(t, g.admin, m[1], http.StatusOK)
		wantAdmin(t, g.admin, fromDefault, http.StatusUnauthorized)
	})
}

// wantAdmin checks the admin API's answer to a bearer token.
func wantAdmin(t *testing.T, addr, token string, want int) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/api/v1/health", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != want {
		t.Errorf("admin API with token %q: %d, want %d", token, res.StatusCode, want)
	}
}
