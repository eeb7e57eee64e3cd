package framed_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
)

// TestClientCallObeysContext stops a call that waits on a silent server,
// by deadline and by cancellation, and then refuses further calls: a late
// reply could otherwise be taken for the next call's.
func TestClientCallObeysContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newBlockingHandler()
			rs := startServer(t, &framed.Server{Codec: codec.NewLengthPrefixed(0), Handler: h})
			t.Cleanup(func() { close(h.release) }) // runs before the server's cleanup: lets it drain
			cl := rs.client(t, codec.NewLengthPrefixed(0))
			ctx, cancel := tt.ctx(t.Context())
			defer cancel()
			go func() {
				<-h.entered
				if tt.want == context.Canceled {
					cancel()
				}
			}()
			_, err := cl.Call(ctx, []byte("hello"), nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Call = %v, want %v", err, tt.want)
			}
			if _, err := cl.Call(t.Context(), []byte("again"), nil); err == nil || !strings.Contains(err.Error(), "unusable") {
				t.Fatalf("second Call = %v, want the client to refuse after a failed call", err)
			}
		})
	}
}

// TestClientRefusedPayloadKeepsConnection: a payload the codec refuses
// never reaches the wire, so the connection stays usable.
func TestClientRefusedPayloadKeepsConnection(t *testing.T) {
	c := codec.NewDelimited('\n', 32)
	rs := startServer(t, &framed.Server{Codec: c, Handler: framed.Echo()})
	cl := rs.client(t, c)
	refused := map[string]error{
		"two\nlines":            codec.ErrDelimiterInPayload,
		strings.Repeat("x", 33): codec.ErrFrameTooLarge,
	}
	for payload, want := range refused {
		if _, err := cl.Call(t.Context(), []byte(payload), nil); !errors.Is(err, want) {
			t.Fatalf("Call(%q) = %v, want %v", payload, err, want)
		}
	}
	got, err := cl.Call(t.Context(), []byte("still fine"), nil)
	if err != nil || string(got) != "still fine" {
		t.Fatalf("Call after refusals = %q, %v", got, err)
	}
}

// TestClientSeesServerClose: a server that hangs up mid-conversation gives
// the caller an error, not a hang.
func TestClientSeesServerClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			conn.Close()
		}
	}()
	cl, err := framed.Dial(t.Context(), ln.Addr().String(), codec.NewLengthPrefixed(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	if _, err := cl.Call(t.Context(), []byte("hello"), nil); err == nil {
		t.Fatal("Call succeeded against a server that closed the connection")
	}
}

func TestDialFailureNamesAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = framed.Dial(t.Context(), addr, codec.NewLengthPrefixed(0))
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Dial(closed port) = %v, want an error naming %s", err, addr)
	}
}

// TestClientCancelledBeforeCallKeepsConnection: a context that is already
// done stops the call before any byte is written, so the client survives.
func TestClientCancelledBeforeCallKeepsConnection(t *testing.T) {
	c := codec.NewLengthPrefixed(0)
	rs := startServer(t, &framed.Server{Codec: c, Handler: framed.Echo()})
	cl := rs.client(t, c)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := cl.Call(ctx, []byte("never sent"), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Call with a cancelled context = %v, want context.Canceled", err)
	}
	if got, err := cl.Call(t.Context(), []byte("sent"), nil); err != nil || string(got) != "sent" {
		t.Fatalf("next Call = %q, %v; want the echo", got, err)
	}
}
