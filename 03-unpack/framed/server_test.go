package framed_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
)

// TestEchoManyClients runs many clients at once, each checking every reply
// against what it sent.
func TestEchoManyClients(t *testing.T) {
	const clients, frames = 50, 100
	for name, c := range codecs(t) {
		t.Run(name, func(t *testing.T) {
			rs := startServer(t, &framed.Server{Codec: c, Handler: framed.Echo()})
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for id := range clients {
				cl := rs.client(t, c)
				wg.Go(func() { errs <- echoFrames(t.Context(), cl, id, frames) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// echoFrames sends frames distinct per client and frame and checks each reply.
func echoFrames(ctx context.Context, cl *framed.Client, id, frames int) error {
	var reply []byte
	for i := range frames {
		want := fmt.Appendf(nil, "client %d frame %d", id, i)
		got, err := cl.Call(ctx, want, reply)
		if err != nil {
			return fmt.Errorf("client %d frame %d: %w", id, i, err)
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("client %d frame %d: reply %q, want %q", id, i, got, want)
		}
		reply = got
	}
	return nil
}

// TestPipelinedFramesInOneWrite sends 100 frames in a single write, the
// stickiest case there is, and expects 100 replies in order.
func TestPipelinedFramesInOneWrite(t *testing.T) {
	const frames = 100
	for name, c := range codecs(t) {
		t.Run(name, func(t *testing.T) {
			rs := startServer(t, &framed.Server{Codec: c, Handler: framed.Echo()})
			conn := rs.dial(t)
			var batch bytes.Buffer
			for i := range frames {
				if err := c.Encode(&batch, fmt.Appendf(nil, "frame %d", i)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := conn.Write(batch.Bytes()); err != nil {
				t.Fatalf("write: %v", err)
			}
			br := bufio.NewReader(conn)
			for i := range frames {
				got, err := c.Decode(br, nil)
				if want := fmt.Sprintf("frame %d", i); err != nil || string(got) != want {
					t.Fatalf("reply %d = %q, %v; want %q", i, got, err, want)
				}
			}
		})
	}
}

// TestServerClosesBadConnections breaks each of the server's rules (frame
// size, magic, idle timeout, read timeout) and checks that the server
// closes the connection and logs why.
func TestServerClosesBadConnections(t *testing.T) {
	const short = 50 * time.Millisecond
	tests := []struct {
		name string
		srv  framed.Server
		send []byte
		log  []string // parts of the server's log line
	}{
		{"claims 1 MiB + 1", framed.Server{}, lengthHeader(codec.DefaultMaxFrameSize + 1),
			[]string{"level=WARN", `reason="protocol violation"`, "frame too large"}},
		{"claims 4 GiB", framed.Server{}, lengthHeader(1<<32 - 1),
			[]string{"level=WARN", `reason="protocol violation"`, "frame too large"}},
		{"bad magic", framed.Server{}, []byte("GET / HTTP/1.1\r\n\r\n"),
			[]string{"level=WARN", `reason="protocol violation"`, "bad magic"}},
		{"idle between frames", framed.Server{IdleTimeout: short}, nil,
			[]string{"level=INFO", `reason="idle timeout"`, "i/o timeout"}},
		{"stalled inside a frame", framed.Server{ReadTimeout: short}, []byte("12345"),
			[]string{"level=WARN", `reason="read timeout inside a frame"`, "i/o timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv
			srv.Codec, srv.Handler = codec.NewLengthPrefixed(0), framed.Echo()
			rs := startServer(t, &srv)
			conn := rs.dial(t)
			if _, err := conn.Write(tt.send); err != nil {
				t.Fatal(err)
			}
			requireClosedByServer(t, conn)
			if err := rs.shutdown(t); err != nil {
				t.Fatalf("Serve: %v", err)
			}
			requireLog(t, rs.logs, tt.log...)
		})
	}
}

func lengthHeader(n uint32) []byte {
	return append([]byte(codec.Magic), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// TestGracefulShutdown cancels the server while one frame is being handled
// and another connection is idle. The listener closes first, the idle
// connection closes at once, the busy one gets its reply, Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	h := newBlockingHandler()
	rs := startServer(t, &framed.Server{Codec: codec.NewLengthPrefixed(0), Handler: h, IdleTimeout: time.Hour})
	idle := rs.dial(t)
	busy := rs.client(t, codec.NewLengthPrefixed(0))
	replies := make(chan error, 1)
	go func() {
		got, err := busy.Call(t.Context(), []byte("in flight"), nil)
		if err == nil && string(got) != "in flight" {
			err = fmt.Errorf("reply %q", got)
		}
		replies <- err
	}()
	<-h.entered

	served := make(chan error, 1)
	go func() { served <- rs.shutdown(t) }()
	<-rs.ln.closed
	if conn, err := net.Dial("tcp", rs.addr); err == nil {
		conn.Close()
		t.Fatal("dial succeeded after shutdown began; the listener should be closed")
	}
	requireClosedByServer(t, idle)

	close(h.release)
	if err := <-replies; err != nil {
		t.Fatalf("in-flight call: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want nil after a graceful shutdown", err)
	}
	requireLog(t, rs.logs, "reason=\"server shutting down\"", "frames=0")
	requireLog(t, rs.logs, "reason=\"server shutting down\"", "frames=1")
}

// TestShutdownTimeoutClosesBusyConnections blocks a handler past the
// shutdown timeout: its context is cancelled, its connection closed, and
// Serve reports ErrShutdownTimeout.
func TestShutdownTimeoutClosesBusyConnections(t *testing.T) {
	h := newBlockingHandler()
	rs := startServer(t, &framed.Server{Codec: codec.NewLengthPrefixed(0), Handler: h, ShutdownTimeout: 50 * time.Millisecond})
	cl := rs.client(t, codec.NewLengthPrefixed(0))
	callErr := make(chan error, 1)
	go func() {
		_, err := cl.Call(t.Context(), []byte("never answered"), nil)
		callErr <- err
	}()
	<-h.entered

	if err := rs.shutdown(t); !errors.Is(err, framed.ErrShutdownTimeout) {
		t.Fatalf("Serve = %v, want ErrShutdownTimeout", err)
	}
	<-h.cancelled
	if err := <-callErr; err == nil {
		t.Fatal("Call succeeded, want an error: the server closed the connection")
	}
}

// TestHandlerPanicClosesOnlyItsConnection checks that a panicking handler
// costs one connection, not the server.
func TestHandlerPanicClosesOnlyItsConnection(t *testing.T) {
	handler := framed.HandlerFunc(func(_ context.Context, frame []byte) ([]byte, error) {
		if string(frame) == "panic" {
			panic("handler bug")
		}
		return frame, nil
	})
	c := codec.NewLengthPrefixed(0)
	rs := startServer(t, &framed.Server{Codec: c, Handler: handler})
	if _, err := rs.client(t, c).Call(t.Context(), []byte("panic"), nil); err == nil {
		t.Fatal("Call succeeded, want an error: the handler panicked")
	}
	if err := echoFrames(t.Context(), rs.client(t, c), 1, 3); err != nil {
		t.Fatalf("server stopped serving after a panic: %v", err)
	}
	if err := rs.shutdown(t); err != nil {
		t.Fatal(err)
	}
	requireLog(t, rs.logs, "level=ERROR", "handler panic: handler bug")
}

func TestServeRequiresCodecAndHandler(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := (&framed.Server{}).Serve(t.Context(), ln); err == nil {
		t.Fatal("Serve with no Codec or Handler succeeded")
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after failed Serve = %v, want the listener closed", err)
	}
}
