package tcpproxy

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/04-proxy/redistest"
)

const waitLimit = 5 * time.Second

// echoServer answers each line with "<name>: <line>".
func echoServer(t *testing.T, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				s := bufio.NewScanner(c)
				for s.Scan() {
					io.WriteString(c, name+": "+s.Text()+"\n")
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// serve runs the proxy for cfg on a real listener and returns its address.
func serve(t *testing.T, cfg Config, maxConns int) (addr string, shutdown func(context.Context) error) {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(p, maxConns)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), srv.Shutdown
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(waitLimit))
	return c, bufio.NewReader(c)
}

func exchange(t *testing.T, c net.Conn, br *bufio.Reader, line string) string {
	t.Helper()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatal(err)
	}
	got, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read reply to %q: %v", line, err)
	}
	return strings.TrimSuffix(got, "\n")
}

func TestEchoManyClients(t *testing.T) {
	addr, _ := serve(t, Config{Upstream: Static(echoServer(t, "echo"))}, 0)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			c, br := dial(t, addr)
			for j := range 50 {
				msg := strings.Repeat("x", i) + string(rune('a'+j%26))
				if got := exchange(t, c, br, msg); got != "echo: "+msg {
					t.Errorf("got %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestUpstreamChosenPerConnection(t *testing.T) {
	addrs := []string{echoServer(t, "a"), echoServer(t, "b")}
	var n atomic.Int64
	pick := func(context.Context, net.Conn) (string, func(error), error) {
		return addrs[n.Add(1)%2], nil, nil
	}
	proxy, _ := serve(t, Config{Upstream: pick}, 0)
	seen := map[string]int{}
	for range 4 {
		c, br := dial(t, proxy)
		seen[strings.SplitN(exchange(t, c, br, "hi"), ":", 2)[0]]++
		c.Close()
	}
	if seen["a"] != 2 || seen["b"] != 2 {
		t.Errorf("connections per upstream %v, want 2 and 2 (the course picked once, at start)", seen)
	}
}

func TestHalfCloseRequestThenAnswer(t *testing.T) {
	// An upstream that answers only after the client has finished sending.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		io.WriteString(c, "length "+string(rune('0'+len(b))))
	}()
	proxy, _ := serve(t, Config{Upstream: Static(ln.Addr().String())}, 0)
	c, _ := dial(t, proxy)
	io.WriteString(c, "hello")
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "length 5" {
		t.Fatalf("got %q, %v; the answer must survive the client's half-close", got, err)
	}
}

func TestDialFailureIsLoggedAndClosesClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	var logs syncBuffer
	reported := make(chan error, 1)
	pick := func(context.Context, net.Conn) (string, func(error), error) {
		return dead, func(err error) { reported <- err }, nil
	}
	proxy, _ := serve(t, Config{Upstream: pick, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, 0)
	c, _ := dial(t, proxy)
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("client not closed after the dial failed")
	}
	select {
	case err := <-reported:
		if err == nil {
			t.Error("done called with nil for a failed dial")
		}
	case <-time.After(waitLimit):
		t.Fatal("done not called")
	}
	if s := logs.String(); !strings.Contains(s, "cannot reach upstream") || !strings.Contains(s, dead) {
		t.Errorf("log %q lacks a clear line naming %s", s, dead)
	}
}

func TestConnectionLimit(t *testing.T) {
	proxy, _ := serve(t, Config{Upstream: Static(echoServer(t, "echo"))}, 2)
	c1, br1 := dial(t, proxy)
	c2, br2 := dial(t, proxy)
	exchange(t, c1, br1, "one")
	exchange(t, c2, br2, "two")
	c3, br3 := dial(t, proxy) // accepted by the kernel, not served while two are open
	io.WriteString(c3, "three\n")
	c3.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := br3.ReadString('\n'); err == nil {
		t.Fatal("third connection served beyond the limit of 2")
	}
	c1.Close()
	c3.SetReadDeadline(time.Now().Add(waitLimit))
	if got, err := br3.ReadString('\n'); err != nil || got != "echo: three\n" {
		t.Fatalf("after a slot freed: %q %v", got, err)
	}
}

func TestShutdownClosesTunnelsAfterDeadline(t *testing.T) {
	// A client that keeps sending is never idle: Shutdown must cut it at the deadline.
	proxy, shutdown := serve(t, Config{Upstream: Static(echoServer(t, "echo"))}, 0)
	c, br := dial(t, proxy)
	exchange(t, c, br, "before")
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				if _, err := io.WriteString(c, "busy\n"); err != nil {
					return
				}
			}
		}
	}()
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := shutdown(ctx); err == nil {
		t.Error("Shutdown returned nil although a busy tunnel had to be cut")
	}
	c.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.Copy(io.Discard, br); err != nil && !isClosed(err) {
		t.Errorf("tunnel not closed: %v", err)
	}
}

func isClosed(err error) bool {
	return err == nil || strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "closed")
}

func TestRedisBehindProxy(t *testing.T) {
	redis := redistest.Start(t)
	proxy, _ := serve(t, Config{Upstream: Static(redis.Addr)}, 0)
	c, br := dial(t, proxy)
	io.WriteString(c, "*3\r\n$3\r\nSET\r\n$5\r\nproxy\r\n$2\r\nok\r\n*2\r\n$3\r\nGET\r\n$5\r\nproxy\r\n")
	want := "+OK\r\n$2\r\nok\r\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Fatalf("redis through the proxy: %q %v, want %q", got, err, want)
	}
	// QUIT: redis answers and closes; the proxy passes the close on.
	io.WriteString(c, "*1\r\n$4\r\nQUIT\r\n")
	rest, _ := io.ReadAll(br)
	if !bytes.Equal(rest, []byte("+OK\r\n")) {
		t.Errorf("after QUIT got %q", rest)
	}
}

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
