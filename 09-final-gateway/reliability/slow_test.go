package reliability_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// slowLimit bounds how long the gateway may take to cut a slow client: the listener's
// timeout (at most 1s here) plus slack for a race-enabled build on two busy cores.
const slowLimit = 5 * time.Second

// testSlowClients: clients that hold connections without finishing a request are cut
// by the listener's timeouts (read_header 500ms, read 1s, write 1s, idle 1s in this
// configuration), so that many of them cannot exhaust the gateway.
func testSlowClients(t *testing.T, e *attackEnv) {
	t.Run("slowloris_headers", func(t *testing.T) {
		took, sent := trickle(t, e.addr.Web, "GET /x HTTP/1.1\r\nHost: x\r\n", "X-Slow: "+string(make([]byte, 200)), 100*time.Millisecond)
		t.Logf("header trickled at 10 bytes/s: cut after %v, %d bytes", took.Round(time.Millisecond), sent)
	})
	t.Run("slow_body", func(t *testing.T) {
		before := e.public.Count()
		took, sent := trickle(t, e.addr.Strict, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
			string(make([]byte, 1000)), 100*time.Millisecond)
		t.Logf("body trickled at 10 bytes/s: cut after %v, %d bytes", took.Round(time.Millisecond), sent)
		for _, r := range e.public.Requests()[before:] {
			if r.BodyErr == "" && r.Method == http.MethodPost {
				t.Errorf("the backend received a complete body from the cut client")
			}
		}
	})
	t.Run("silent_connection", func(t *testing.T) {
		start := time.Now()
		if err := waitClosed(dialTCP(t, e.addr.Web), slowLimit); err != nil {
			t.Fatal(err)
		}
		t.Logf("a connection that sends nothing: closed after %v", time.Since(start).Round(time.Millisecond))
	})
	t.Run("idle_keep_alive", func(t *testing.T) {
		c := dialTCP(t, e.addr.Web)
		io.WriteString(c, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(slowLimit))
		if res, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || res.StatusCode != 200 {
			t.Fatalf("first request: %v", err)
		}
		start := time.Now()
		if err := waitClosed(c, slowLimit); err != nil {
			t.Fatal(err)
		}
		t.Logf("an idle keep-alive connection: closed after %v", time.Since(start).Round(time.Millisecond))
	})
	t.Run("slow_reader", func(t *testing.T) { testSlowReader(t, e) })
	t.Run("idle_flood", func(t *testing.T) { testIdleFlood(t, e) })
	t.Run("idle_grpc_connections", func(t *testing.T) { testIdleGRPC(t, e) })
}

// trickle writes head, then body one byte per every, until the gateway closes the
// connection (failing the test if it has not within slowLimit). It returns how long
// that took and how many body bytes went out.
func trickle(t *testing.T, addr, head, body string, every time.Duration) (time.Duration, int) {
	t.Helper()
	c := dialTCP(t, addr)
	start := time.Now()
	io.WriteString(c, head)
	closed := make(chan struct{})
	go func() {
		waitClosed(c, slowLimit+time.Second)
		close(closed)
	}()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for sent := 0; sent < len(body); sent++ {
		select {
		case <-closed:
			return time.Since(start), sent
		case <-tick.C:
		}
		if time.Since(start) > slowLimit {
			t.Fatalf("still open after %v and %d bytes", slowLimit, sent)
		}
		if _, err := c.Write([]byte{body[sent]}); err != nil {
			return time.Since(start), sent
		}
	}
	t.Fatalf("the whole trickle (%d bytes) was accepted", len(body))
	return 0, 0
}

// testSlowReader: a client that asks for a large answer and never reads it is cut by
// the write deadline, and the backend's handler is released (its write fails) instead
// of waiting for a reader that will not come.
func testSlowReader(t *testing.T, e *attackEnv) {
	c := dialTCP(t, e.addr.Strict)
	io.WriteString(c, "GET /big?n=268435456 HTTP/1.1\r\nHost: x\r\n\r\n") // 256 MiB, never read
	start := time.Now()
	eventually(t, slowLimit, "the request reached the backend", func() (bool, string) {
		n := e.public.InFlight()
		return n == 1, fmt.Sprintf("%d in flight", n)
	})
	eventually(t, slowLimit, "the backend handler released", func() (bool, string) {
		n := e.public.InFlight()
		return n == 0, fmt.Sprintf("%d in flight", n)
	})
	t.Logf("a client that never reads a 256 MiB answer: backend released after %v", time.Since(start).Round(time.Millisecond))
}

// testIdleFlood opens many connections that send nothing: the gateway closes every one
// within its read_header timeout, and its goroutines come back down.
func testIdleFlood(t *testing.T, e *attackEnv) {
	const n = 200
	base := scrape(t, e.gw).Value("go_goroutines")
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dialTCP(t, e.addr.Web)
	}
	peak := scrape(t, e.gw).Value("go_goroutines")
	start := time.Now()
	if open := stillOpen(n, func(i int) bool { return waitClosed(conns[i], slowLimit) == nil }); open > 0 {
		t.Fatalf("%d of %d idle connections still open after %v", open, n, slowLimit)
	}
	took := time.Since(start)
	eventually(t, slowLimit, "goroutines back down", func() (bool, string) {
		g := scrape(t, e.gw).Value("go_goroutines")
		return g <= base+10, fmt.Sprintf("%v goroutines (before the flood %v)", g, base)
	})
	t.Logf("%d idle connections: all closed within %v; goroutines %v -> %v -> back to <= %v",
		n, took.Round(time.Millisecond), base, peak, base+10)
}

// testIdleGRPC opens HTTP/2 connections to the grpc listener that complete the
// handshake, answer pings like any client, and make no call: like every other
// listener's, they must be closed after timeouts.idle (1s here), or a client could hold
// any number of them.
func testIdleGRPC(t *testing.T, e *attackEnv) {
	const n = 20
	start := time.Now()
	framers := make([]*http2.Framer, n)
	for i := range framers {
		c := dialTCP(t, e.addr.GRPC)
		c.SetReadDeadline(time.Now().Add(slowLimit))
		framers[i] = http2.NewFramer(c, c)
		if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
			t.Fatal(err)
		}
		if err := framers[i].WriteSettings(); err != nil {
			t.Fatal(err)
		}
	}
	if open := stillOpen(n, func(i int) bool { return idleUntilClosed(framers[i]) }); open > 0 {
		t.Fatalf("%d of %d idle gRPC connections still open after %v (timeouts.idle is 1s)", open, n, slowLimit)
	}
	t.Logf("%d idle gRPC connections: all closed within %v", n, time.Since(start).Round(time.Millisecond))
}

// stillOpen runs closed(i) for connections 0 to n-1 at once and counts those for which
// it reported false.
func stillOpen(n int, closed func(i int) bool) int {
	var open atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if !closed(i) {
				open.Add(1)
			}
		})
	}
	wg.Wait()
	return int(open.Load())
}

// idleUntilClosed answers the server's SETTINGS and PINGs and reports whether the
// server closed the connection (false: the read deadline passed first).
func idleUntilClosed(fr *http2.Framer) bool {
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return !errors.Is(err, os.ErrDeadlineExceeded)
		}
		answerControl(fr, f)
	}
}
