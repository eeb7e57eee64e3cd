package gateway_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
)

// adminToken is the admin API token every test gateway runs with.
const adminToken = proc.AdminToken

// Bounds on how long the gateway may take to start and to stop. A race-enabled build
// on two busy cores is slow to start; these are limits, not expectations.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second
)

// gatewayProc is one running gateway binary (internal/proc, shared with the
// reliability suite), with helpers that fail the test instead of returning errors.
type gatewayProc struct {
	*proc.Gateway
	tmp  string // the process's TMPDIR (development certificates land there)
	stop sync.Once
}

// procOptions say how to start a gateway.
type procOptions struct {
	Config string   // path of the configuration file; "" serves the embedded default
	Admin  string   // admin address to poll /readyz on
	Args   []string // extra flags (e.g. -watch)
	Env    []string // extra environment, KEY=VALUE
}

// startGateway starts the binary, waits until /readyz answers 200, and stops it with
// SIGTERM when the test ends, asserting a clean exit. The gateway's log is printed if
// the test failed.
func startGateway(t testing.TB, o procOptions) *gatewayProc {
	t.Helper()
	tmp := t.TempDir()
	g, err := proc.Start(context.Background(), proc.Options{Bin: gatewayBin, Config: o.Config, Admin: o.Admin,
		Args: o.Args, Env: append([]string{"TMPDIR=" + tmp}, o.Env...), StartTimeout: startTimeout})
	if err != nil {
		t.Fatal(err)
	}
	p := &gatewayProc{Gateway: g, tmp: tmp}
	t.Cleanup(func() {
		p.Stop(t)
		if t.Failed() {
			t.Logf("gateway stderr:\n%s", p.Log())
		}
	})
	return p
}

// Stop sends SIGTERM and asserts that the process exits with status 0 (and reports no
// data race) within stopTimeout. It returns how long the exit took. Only the first
// call acts.
func (p *gatewayProc) Stop(t testing.TB) time.Duration {
	t.Helper()
	var took time.Duration
	p.stop.Do(func() {
		start := time.Now()
		if err := p.Gateway.Stop(stopTimeout); err != nil {
			t.Errorf("%v (the gateway's log follows at the end)", err)
		}
		took = time.Since(start)
	})
	return took
}

// Signal sends sig to the gateway.
func (p *gatewayProc) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.Gateway.Signal(sig); err != nil {
		t.Error(err)
	}
}

// WaitExit waits up to limit for the process to exit and returns how long it took; on
// timeout it kills the process and fails the test.
func (p *gatewayProc) WaitExit(t testing.TB, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-p.Exited():
	case <-time.After(limit):
		t.Errorf("gateway still running %v after SIGTERM; killing it", limit)
		p.Kill()
	}
	return time.Since(start)
}

// writeConfig writes the configuration file dir/gateway.yaml through a temporary file
// and a rename (proc.WriteConfig) and returns its path.
func writeConfig(t testing.TB, dir, yaml string) string {
	t.Helper()
	path, err := proc.WriteConfig(dir, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return path
}
