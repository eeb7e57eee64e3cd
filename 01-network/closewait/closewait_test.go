package closewait_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"gatewaylab/01-network/closewait"
)

// harness runs a Server on a loopback listener for one test.
type harness struct {
	srv     *closewait.Server
	addr    string
	hangups chan net.Addr
}

func startServer(t testing.TB, forget bool) *harness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	h := &harness{addr: ln.Addr().String(), hangups: make(chan net.Addr, 64)}
	h.srv = &closewait.Server{ForgetClose: forget, OnHangup: func(a net.Addr) { h.hangups <- a }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return h
}

// hangUp connects one client, checks the echo and closes the client, then
// waits until the server has finished with the connection.
func (h *harness) hangUp(t testing.TB) net.Addr {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		t.Fatalf("echo = %q, %v; want ping", got, err)
	}
	local := c.LocalAddr()
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	select {
	case a := <-h.hangups:
		if a.String() != local.String() {
			t.Fatalf("hangup from %v; want %v", a, local)
		}
	case <-t.Context().Done():
		t.Fatal("server never saw the hangup")
	}
	return local
}

func TestOpenCountsLeakedConnections(t *testing.T) {
	tests := []struct {
		name     string
		forget   bool
		wantOpen int
	}{
		{"fixed server closes", false, 0},
		{"leaky server keeps", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startServer(t, tt.forget)
			for range 3 {
				h.hangUp(t)
			}
			if got := h.srv.Open(); got != tt.wantOpen {
				t.Errorf("Open() = %d after 3 hangups; want %d", got, tt.wantOpen)
			}
		})
	}
}

func TestServeClosesLeakedConnectionsOnShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	hangups := make(chan net.Addr, 1)
	srv := &closewait.Server{ForgetClose: true, OnHangup: func(a net.Addr) { hangups <- a }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	<-hangups
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v; want nil after cancel", err)
	}
	if got := srv.Open(); got != 0 {
		t.Errorf("Open() = %d after Serve returned; want 0", got)
	}
}

func TestIdleTimeoutEndsSilentConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := &closewait.Server{IdleTimeout: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	// The client stays silent; the server must give up and close: EOF here.
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("Read on an idle connection = %d, %v; want EOF from the server's close", n, err)
	}
}
