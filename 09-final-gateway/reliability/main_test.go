package reliability_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/backend"
)

// gatewayBin is the binary under test, built once by TestMain (with -race when the
// tests run with it).
var gatewayBin string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gateway-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if gatewayBin, err = proc.Build(context.Background(), dir, proc.RaceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		return 1
	}
	return m.Run()
}

// stopTimeout bounds how long a gateway may take to exit after SIGTERM.
const stopTimeout = 20 * time.Second

// jwtSecret is the HS256 key of every test gateway (environment RELIABILITY_JWT_SECRET).
const jwtSecret = "reliability-suite-jwt-secret-0123456789abcdef"

// startGateway writes yaml to a fresh directory, starts the gateway on it and stops it
// when the test ends, asserting a clean exit. The gateway's log is printed if the test
// failed.
func startGateway(t testing.TB, admin, yaml string, args ...string) (*proc.Gateway, string) {
	t.Helper()
	dir := t.TempDir()
	path, err := proc.WriteConfig(dir, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	g, err := proc.Start(t.Context(), proc.Options{Bin: gatewayBin, Config: path, Admin: admin, Args: args,
		Env: []string{"RELIABILITY_JWT_SECRET=" + jwtSecret, "TMPDIR=" + dir}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := g.Stop(stopTimeout); err != nil {
			t.Errorf("%v", err)
		}
		if t.Failed() {
			t.Logf("gateway log:\n%s", g.Log())
		}
	})
	return g, dir
}

// render fills the template testdata/name with data.
func render(t testing.TB, name string, data any) string {
	t.Helper()
	tmpl, err := template.ParseFiles(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// freeAddrs returns n loopback addresses with free ports.
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	addrs, err := proc.FreeAddrs(n)
	if err != nil {
		t.Fatal(err)
	}
	return addrs
}

// newHTTPBackend starts a recording HTTP backend, closed when the test ends.
func newHTTPBackend(t testing.TB, name string) *backend.HTTP {
	t.Helper()
	b, err := backend.NewHTTP(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// newGRPCBackend starts stage 08's Echo server, stopped when the test ends.
func newGRPCBackend(t testing.TB, name string) *backend.GRPC {
	t.Helper()
	g, err := backend.NewGRPC(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Close)
	return g
}

// scrape reads the gateway's metrics.
func scrape(t testing.TB, g *proc.Gateway) proc.Metrics {
	t.Helper()
	m, err := g.Scrape(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// eventually polls cond until it holds, failing the test after within. Another
// process sends no notification, so polling its observable state is the only way to
// wait for it; cond returns what it saw, for the failure message.
func eventually(t testing.TB, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v (last: %s)", what, within, saw)
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
}
