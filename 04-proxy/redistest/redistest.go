// Package redistest runs a real redis-server on a free loopback port for the length of a
// test, the way net/http/httptest runs a real HTTP server. Tests of the TCP proxy, the
// distributed rate limiter and the flow counters talk to it over real sockets; nothing is
// mocked. The server keeps no data on disk and is stopped in t.Cleanup.
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaylab/04-proxy/testbin"
)

// Server is a running redis-server. Its address stays the same across Stop and Start, so
// clients configured with it reconnect after a restart.
type Server struct {
	// Addr is the server's "127.0.0.1:port".
	Addr string

	tb   testing.TB
	path string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// startTimeout bounds how long a redis-server may take to accept its first connection.
const startTimeout = 10 * time.Second

// Start runs redis-server on a free port and stops it when the test ends. Without the
// binary it skips the test, or fails it when CI=true (see package testbin).
func Start(tb testing.TB) *Server {
	tb.Helper()
	path := testbin.Require(tb, "redis-server", "apt-get install redis-server")
	s := &Server{tb: tb, path: path}
	var lastErr error
	for range 5 { // a free port can be taken between probing and binding; try another
		port, err := freePort()
		if err != nil {
			tb.Fatalf("find a free port: %v", err)
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.start(); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("start redis-server: %v", lastErr)
	return nil
}

// Stop kills the server and waits for it to exit. Calling Stop twice is harmless.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	if err := s.cmd.Process.Kill(); err != nil {
		s.tb.Logf("kill redis-server: %v", err)
	}
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same address after Stop.
func (s *Server) Restart() {
	s.tb.Helper()
	if err := s.start(); err != nil {
		s.tb.Fatalf("restart redis-server on %s: %v", s.Addr, err)
	}
}

func (s *Server) start() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.path,
		"--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--protected-mode", "yes", "--loglevel", "warning")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %w", s.path, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }() // Wait's error is the kill we asked for
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := waitReady(ctx, s.Addr, done); err != nil {
		_ = cmd.Process.Kill() // already failing; the wait error is the one to report
		<-done
		return fmt.Errorf("%w (output: %q)", err, out.String())
	}
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	return nil
}

// waitReady polls with PING until the server answers PONG, the process exits or ctx ends.
// Polling is the only readiness signal an external process offers.
func waitReady(ctx context.Context, addr string, exited <-chan struct{}) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := ping(ctx, addr); err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on %s exited before it answered PING", addr)
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s did not answer PING: %w", addr, ctx.Err())
		case <-tick.C:
		}
	}
}

func ping(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return err
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
