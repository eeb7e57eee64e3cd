package leanproxy

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// pipeUpstream is an upstream on in-memory pipes (usable inside a synctest bubble):
// every dial gets a connection that answers "ok" to each request until it is closed,
// and reports the close on closed.
func pipeUpstream(closed chan<- struct{}) func(context.Context, string, string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		go func() {
			defer func() { closed <- struct{}{} }()
			defer server.Close()
			br := bufio.NewReader(server)
			for {
				if _, _, err := readRequest(br); err != nil {
					return
				}
				if _, err := server.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")); err != nil {
					return
				}
			}
		}()
		return client, nil
	}
}

func TestIdleTimeoutClosesConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		closed := make(chan struct{}, 1)
		tr := newTransport(t, func(fb *http.Transport) {
			fb.IdleConnTimeout = time.Minute
			fb.DialContext = pipeUpstream(closed)
		})
		do(t, tr, http.MethodGet, "http://pipe:80/", nil)
		pool := tr.pool("pipe:80")

		time.Sleep(59 * time.Second)
		synctest.Wait()
		if n := pool.idleCount(); n != 1 {
			t.Fatalf("after 59s: %d idle connections, want 1", n)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if n := pool.idleCount(); n != 0 {
			t.Errorf("after 61s: %d idle connections, want 0", n)
		}
		select {
		case <-closed:
		default:
			t.Error("the upstream never saw its idle connection close")
		}
	})
}

func TestExpiredConnectionNotReused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		closed := make(chan struct{}, 2)
		dials := 0
		tr := newTransport(t, func(fb *http.Transport) {
			fb.IdleConnTimeout = time.Minute
			dial := pipeUpstream(closed)
			fb.DialContext = func(ctx context.Context, n, a string) (net.Conn, error) {
				dials++
				return dial(ctx, n, a)
			}
		})
		pool := tr.pool("pipe:80")
		do(t, tr, http.MethodGet, "http://pipe:80/", nil)
		pool.sweep.Stop() // leave the expired connection in the pool for get to find
		time.Sleep(2 * time.Minute)
		do(t, tr, http.MethodGet, "http://pipe:80/", nil)
		if dials != 2 {
			t.Errorf("%d dials, want 2 (the expired connection must not be used)", dials)
		}
	})
}
