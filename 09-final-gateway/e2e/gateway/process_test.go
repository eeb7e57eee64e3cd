package gateway_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// adminToken is the admin API token every test gateway runs with.
const adminToken = "e2e-admin-token"

// Bounds on how long the gateway may take to start and to stop. A race-enabled build
// on two busy cores is slow to start; these are limits, not expectations.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second
)

// gatewayProc is one running gateway binary.
type gatewayProc struct {
	cmd    *exec.Cmd
	admin  string // admin listener address
	tmp    string // the process's TMPDIR (development certificates land there)
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // Wait's result, set before exited is closed
	stop   sync.Once
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
	var args []string
	if o.Config != "" {
		args = append(args, "-config", o.Config)
	}
	args = append(args, o.Args...)
	p := &gatewayProc{admin: o.Admin, tmp: t.TempDir(), stdout: &syncBuffer{}, stderr: &syncBuffer{},
		exited: make(chan struct{})}
	p.cmd = exec.Command(gatewayBin, args...)
	p.cmd.Env = append(gatewayEnv(), "GATEWAY_ADMIN_TOKEN="+adminToken, "TMPDIR="+p.tmp)
	p.cmd.Env = append(p.cmd.Env, o.Env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start gateway: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.Stop(t)
		if t.Failed() {
			t.Logf("gateway stderr:\n%s", p.stderr.String())
		}
	})
	p.waitReady(t)
	return p
}

// gatewayEnv is the environment of every gateway process: the test's, and unless the
// caller set GORACE, a race detector that waits 100ms at exit for late reports instead
// of its default second (which every one of the suite's process exits would pay).
func gatewayEnv() []string {
	env := os.Environ()
	if os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=100")
	}
	return env
}

// waitReady polls /readyz until it answers 200, failing fast if the process exits.
func (p *gatewayProc) waitReady(t testing.TB) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-p.exited:
			t.Fatalf("gateway exited while starting: %v", p.err)
		default:
		}
		if res, err := client.Get("http://" + p.admin + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("gateway not ready within %v", startTimeout)
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
}

// Stop sends SIGTERM and asserts that the process exits with status 0 within
// stopTimeout. It returns how long the exit took. Only the first call acts.
func (p *gatewayProc) Stop(t testing.TB) time.Duration {
	t.Helper()
	var took time.Duration
	p.stop.Do(func() {
		p.Signal(t, syscall.SIGTERM)
		took = p.WaitExit(t, stopTimeout)
		if strings.Contains(p.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the gateway has a data race (its log follows)")
		} else if p.err != nil {
			t.Errorf("gateway did not exit cleanly after SIGTERM: %v", p.err)
		}
	})
	return took
}

// Signal sends sig to the gateway.
func (p *gatewayProc) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	select {
	case <-p.exited:
		return
	default:
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("signal gateway: %v", err)
	}
}

// WaitExit waits up to limit for the process to exit and returns how long it took; on
// timeout it kills the process and fails the test.
func (p *gatewayProc) WaitExit(t testing.TB, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-p.exited:
		return time.Since(start)
	case <-time.After(limit):
		t.Errorf("gateway still running %v after SIGTERM; killing it", limit)
		if err := p.cmd.Process.Kill(); err != nil {
			t.Logf("kill gateway: %v", err)
		}
		<-p.exited
		return time.Since(start)
	}
}

// ExitCode is the process's exit status (-1 while it runs or when killed by a signal).
func (p *gatewayProc) ExitCode() int {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// LogCount counts the lines of the gateway's log that contain every one of parts.
func (p *gatewayProc) LogCount(parts ...string) int {
	n := 0
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		if containsAll(line, parts) {
			n++
		}
	}
	return n
}

func containsAll(s string, parts []string) bool {
	for _, part := range parts {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
}

// syncBuffer is a bytes.Buffer safe for the process's writers and the test's readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// writeConfig writes the configuration file dir/gateway.yaml and returns its path. It
// writes a temporary file and renames it over the old one, as an operator's deploy tool
// (or a Kubernetes ConfigMap) does, so that the gateway's file watcher never reads half
// a file.
func writeConfig(t testing.TB, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "gateway.yaml")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	return path
}
