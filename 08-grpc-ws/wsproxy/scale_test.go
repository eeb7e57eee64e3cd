package wsproxy_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/08-grpc-ws/wsproxy"
)

// TestThousandConcurrentConnections holds 1,000 WebSockets open through the proxy at
// once, then has every one echo a message while all are open.
func TestThousandConcurrentConnections(t *testing.T) {
	const n = 1000
	requireFiles(t, 4*n+100) // client, proxy (2 each) and backend ends of every session
	p, u := startProxy(t, wsproxy.Config{}, startEcho(t))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	dialer := websocket.Dialer{HandshakeTimeout: waitLimit}
	sem := make(chan struct{}, 64) // do not flood the accept queue
	for i := range conns {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, _, err := dialer.DialContext(ctx, u, nil)
			if err != nil {
				errs <- fmt.Errorf("dial %d: %w", i, err)
				return
			}
			conns[i] = c
		})
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	failIfAny(t, errs)
	if got := p.Len(); got != n {
		t.Fatalf("proxy holds %d sessions, want %d", got, n)
	}

	deadline, _ := ctx.Deadline()
	errs = make(chan error, n)
	for i, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(deadline)
			c.SetWriteDeadline(deadline)
			want := fmt.Sprintf("message from %d", i)
			if err := c.WriteMessage(websocket.TextMessage, []byte(want)); err != nil {
				errs <- err
				return
			}
			_, got, err := c.ReadMessage()
			if err != nil || string(got) != want {
				errs <- fmt.Errorf("conn %d: got %q, %v; want %q", i, got, err, want)
			}
		})
	}
	wg.Wait()
	failIfAny(t, errs)
}

// failIfAny reports the first few errors in errs and fails the test if there were any.
func failIfAny(t *testing.T, errs chan error) {
	t.Helper()
	close(errs)
	count := 0
	for err := range errs {
		if count < 5 {
			t.Error(err)
		}
		count++
	}
	if count > 0 {
		t.Fatalf("%d failures", count)
	}
}

// requireFiles makes sure the process may open need file descriptors (Go raises the
// soft limit to the hard limit at start-up; a hard limit below need fails the test).
func requireFiles(t *testing.T, need uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < need {
		t.Fatalf("ulimit -n is %d, this test needs %d open files: raise it (ulimit -n %d)", lim.Cur, need, need)
	}
}

// TestWebSocketThroughReverseProxy: the byte-level path. Stage 04's HTTP reverse proxy
// passes the Upgrade through and then copies bytes; gorilla on both ends sees a normal
// WebSocket, close codes included.
func TestWebSocketThroughReverseProxy(t *testing.T) {
	backend := startEcho(t)
	target, err := url.Parse("http://" + backend)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := reverseproxy.New(reverseproxy.Config{Target: target, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(rp)
	t.Cleanup(front.Close)
	c := dialWS(t, "ws"+strings.TrimPrefix(front.URL, "http"), nil)
	if mt, got := roundTrip(t, c, websocket.BinaryMessage, "bytes"); mt != websocket.BinaryMessage || got != "bytes" {
		t.Errorf("echo %d %q", mt, got)
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte("close 4003 via reverse proxy")); err != nil {
		t.Fatal(err)
	}
	if got := readClose(t, c); got.Code != 4003 || got.Text != "via reverse proxy" {
		t.Errorf("close %d %q, want 4003", got.Code, got.Text)
	}
}
