package framed_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
)

// runningServer is a Server on a real loopback listener.
type runningServer struct {
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
	ln     *closeNotifyListener
}

// startServer serves srv on 127.0.0.1:0 with a captured logger. Cleanup
// shuts it down if the test did not.
func startServer(tb testing.TB, srv *framed.Server) *runningServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	logs := &syncBuffer{}
	srv.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningServer{
		addr:   ln.Addr().String(),
		logs:   logs,
		cancel: cancel,
		done:   make(chan error, 1),
		ln:     &closeNotifyListener{Listener: ln, closed: make(chan struct{})},
	}
	go func() { rs.done <- srv.Serve(ctx, rs.ln) }()
	tb.Cleanup(func() { rs.shutdown(tb) })
	return rs
}

// shutdown cancels Serve's context and returns what Serve returned.
func (rs *runningServer) shutdown(tb testing.TB) error {
	tb.Helper()
	rs.cancel()
	select {
	case err, ok := <-rs.done:
		if ok {
			close(rs.done)
		}
		return err
	case <-time.After(20 * time.Second):
		tb.Fatal("Serve did not return 20s after its context was cancelled")
		return nil
	}
}

// dial opens a raw TCP connection to the server, closed at cleanup.
func (rs *runningServer) dial(tb testing.TB) net.Conn {
	tb.Helper()
	conn, err := net.Dial("tcp", rs.addr)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// client opens a framed.Client to the server, closed at cleanup.
func (rs *runningServer) client(tb testing.TB, c codec.Codec) *framed.Client {
	tb.Helper()
	cl, err := framed.Dial(tb.Context(), rs.addr, c)
	if err != nil {
		tb.Fatalf("Dial: %v", err)
	}
	tb.Cleanup(func() { cl.Close() })
	return cl
}

// requireClosedByServer reads from conn until the server closes it. The
// read deadline only turns a hang into a failure.
func requireClosedByServer(tb testing.TB, conn net.Conn) {
	tb.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		tb.Fatal(err)
	}
	n, err := io.Copy(io.Discard, conn)
	if err != nil && !isConnReset(err) {
		tb.Fatalf("after %d bytes: read err = %v, want the server to close the connection", n, err)
	}
}

func isConnReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// requireLog fails unless the server logged every one of parts on one line.
func requireLog(tb testing.TB, logs *syncBuffer, parts ...string) {
	tb.Helper()
	for line := range strings.Lines(logs.String()) {
		if containsAll(line, parts) {
			return
		}
	}
	tb.Fatalf("no log line contains all of %q; logs:\n%s", parts, logs.String())
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// closeNotifyListener reports when Serve has closed it. The report comes after the
// socket is closed: a test woken by it and dialling at once must find nothing
// listening (signalling first let such a dial land in the backlog now and then).
type closeNotifyListener struct {
	net.Listener
	closed chan struct{}
	once   sync.Once
}

func (l *closeNotifyListener) Close() error {
	err := l.Listener.Close()
	l.once.Do(func() { close(l.closed) })
	return err
}

// blockingHandler signals each frame it starts and then waits for release
// (or for its context to end, which it records).
type blockingHandler struct {
	entered   chan struct{}
	release   chan struct{}
	cancelled chan struct{}
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{entered: make(chan struct{}, 16), release: make(chan struct{}), cancelled: make(chan struct{}, 16)}
}

func (h *blockingHandler) ServeFrame(ctx context.Context, frame []byte) ([]byte, error) {
	h.entered <- struct{}{}
	select {
	case <-h.release:
		return frame, nil
	case <-ctx.Done():
		h.cancelled <- struct{}{}
		return nil, ctx.Err()
	}
}

// codecs returns one codec per framing.
func codecs(tb testing.TB) map[string]codec.Codec {
	tb.Helper()
	fixed, err := codec.NewFixedLength(64, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]codec.Codec{
		"length-prefixed": codec.NewLengthPrefixed(0),
		"fixed-length":    fixed,
		"delimited":       codec.NewDelimited(codec.DefaultDelimiter, 0),
	}
}
