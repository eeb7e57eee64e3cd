// Package proc runs the real gateway binary for the end-to-end and reliability suites
// and the soak command: build it (with the race detector when the caller runs with it), start it
// with a configuration file, wait until /readyz answers, read its /metrics, and stop it
// with SIGTERM, checking that it exits cleanly.
//
// It returns errors instead of failing a test, so that cmd/soak can use it too; the
// tests wrap it in helpers that take testing.TB.
package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Package is the import path of the gateway command.
const Package = "gatewaylab/09-final-gateway/cmd/gateway"

// Build compiles the gateway into dir and returns the binary's path. With race, the
// binary is built with the race detector, and a data race in it shows in its log.
func Build(ctx context.Context, dir string, race bool) (string, error) {
	out := filepath.Join(dir, "gateway")
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, Package)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", Package, err, stderr.String())
	}
	return out, nil
}

// Env is the environment of every gateway process: this one's, and unless the caller
// set GORACE, a race detector that waits 100ms at exit for late reports instead of its
// default second (which every process exit of a suite would pay).
func Env() []string {
	env := os.Environ()
	if os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=100")
	}
	return env
}

// Options say how to start a gateway.
type Options struct {
	Bin    string   // the binary (Build)
	Config string   // configuration file; "" serves the embedded default (fixed ports)
	Admin  string   // the admin address in Config, polled for /readyz
	Args   []string // extra flags, e.g. "-watch", "100ms"
	Env    []string // extra environment, KEY=VALUE
	// StartTimeout bounds the wait for /readyz; zero means 30s (a race-enabled build on
	// two busy cores is slow to start).
	StartTimeout time.Duration
}

// Gateway is one running gateway process.
type Gateway struct {
	Admin  string
	cmd    *exec.Cmd
	log    *Buffer // stderr: the gateway's own log
	out    *Buffer // stdout: banner and access log
	exited chan struct{}
	err    error // Wait's result, set before exited is closed
	stop   sync.Once
	stopEr error
}

// AdminToken is the admin API token every gateway started here runs with.
const AdminToken = "gatewaylab-test-admin-token"

// Start starts the gateway and waits until its /readyz answers 200. On error the
// process is killed and its log is part of the error.
func Start(ctx context.Context, o Options) (*Gateway, error) {
	g := &Gateway{Admin: o.Admin, log: &Buffer{}, out: &Buffer{}, exited: make(chan struct{})}
	var args []string
	if o.Config != "" {
		args = append(args, "-config", o.Config)
	}
	args = append(args, o.Args...)
	g.cmd = exec.Command(o.Bin, args...)
	g.cmd.Env = append(Env(), "GATEWAY_ADMIN_TOKEN="+AdminToken)
	g.cmd.Env = append(g.cmd.Env, o.Env...)
	g.cmd.Stdout, g.cmd.Stderr = g.out, g.log
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start gateway: %w", err)
	}
	go func() {
		g.err = g.cmd.Wait()
		close(g.exited)
	}()
	limit := o.StartTimeout
	if limit == 0 {
		limit = 30 * time.Second
	}
	if err := g.waitReady(ctx, limit); err != nil {
		g.Kill()
		return nil, fmt.Errorf("%w\ngateway log:\n%s", err, g.log.String())
	}
	return g, nil
}

// waitReady polls /readyz: the only readiness signal another process offers.
func (g *Gateway) waitReady(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-g.exited:
			return fmt.Errorf("gateway exited while starting: %v", g.err)
		default:
		}
		if res, err := client.Get("http://" + g.Admin + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gateway not ready within %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
}

// Pid is the process id.
func (g *Gateway) Pid() int { return g.cmd.Process.Pid }

// Signal sends sig to the gateway (nothing once it has exited).
func (g *Gateway) Signal(sig os.Signal) error {
	select {
	case <-g.exited:
		return nil
	default:
	}
	if err := g.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal gateway: %w", err)
	}
	return nil
}

// ExitCode is the process's exit status: -1 while it runs or when a signal killed it.
func (g *Gateway) ExitCode() int {
	select {
	case <-g.exited:
		return g.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// Exited is closed when the process has exited.
func (g *Gateway) Exited() <-chan struct{} { return g.exited }

// Stop sends SIGTERM and waits up to limit for the process to exit. It returns an
// error when the exit was not clean (status not 0, a data race reported, or the limit
// passed, after which the process is killed). Only the first call acts; later calls
// return the first one's result.
func (g *Gateway) Stop(limit time.Duration) error {
	g.stop.Do(func() {
		if err := g.Signal(syscall.SIGTERM); err != nil {
			g.stopEr = err
			return
		}
		select {
		case <-g.exited:
		case <-time.After(limit):
			g.Kill()
			g.stopEr = fmt.Errorf("gateway still running %v after SIGTERM; killed", limit)
			return
		}
		switch {
		case strings.Contains(g.log.String(), "WARNING: DATA RACE"):
			g.stopEr = errors.New("the gateway reported a data race")
		case g.err != nil:
			g.stopEr = fmt.Errorf("gateway did not exit cleanly after SIGTERM: %w", g.err)
		}
	})
	return g.stopEr
}

// Kill ends the process at once and waits for it.
func (g *Gateway) Kill() {
	if err := g.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		g.log.Write([]byte("proc: kill: " + err.Error() + "\n"))
	}
	<-g.exited
}

// Log returns the gateway's log (stderr) so far.
func (g *Gateway) Log() string { return g.log.String() }

// Stdout returns what the gateway printed on stdout (banner, access log).
func (g *Gateway) Stdout() string { return g.out.String() }

// LogCount counts the log lines that contain every one of parts.
func (g *Gateway) LogCount(parts ...string) int {
	n := 0
	for _, line := range strings.Split(g.log.String(), "\n") {
		if containsAll(line, parts) {
			n++
		}
	}
	return n
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// Buffer is a bytes.Buffer safe for one writer (the process) and many readers.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
