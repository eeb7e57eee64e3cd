package flow_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"gatewaylab/01-network/flow"
	"gatewaylab/01-network/internal/looptest"
)

// stall is how long a Write may make no progress before the window counts
// as closed. On loopback a reading peer empties the buffers in microseconds.
const stall = 100 * time.Millisecond

var seed = [32]byte{'g', 'a', 't', 'e', 'w', 'a', 'y'}

func newPair(t testing.TB) (client, server *net.TCPConn) {
	t.Helper()
	p := looptest.Dial(t, "tcp", "127.0.0.1:0")
	return p.Client, p.Server
}

// receiveAsync reads conn to EOF in a goroutine owned by the test.
func receiveAsync(t testing.TB, conn net.Conn) <-chan flow.Digest {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan flow.Digest, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d, err := flow.Receive(ctx, conn)
		if err != nil {
			t.Errorf("Receive: %v", err)
		}
		out <- d
	}()
	t.Cleanup(func() { cancel(); <-done })
	return out
}

func TestZeroWindowStallsThenDeliversEveryByte(t *testing.T) {
	client, server := newPair(t)
	sender := flow.NewSender(client, seed)

	// The server does not read: the window closes and the writes stall.
	accepted, err := sender.FillUntilStall(t.Context(), stall)
	if err != nil {
		t.Fatalf("FillUntilStall: %v", err)
	}
	if accepted == 0 {
		t.Fatal("FillUntilStall accepted 0 bytes; the buffers should take some before the window closes")
	}

	// The server reads again: the window reopens and more data flows.
	got := receiveAsync(t, server)
	const more = 1 << 20
	if err := sender.Send(t.Context(), more); err != nil {
		t.Fatalf("Send after resume: %v", err)
	}
	if err := client.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	want := sender.Digest()
	if want.Bytes != accepted+more {
		t.Errorf("sender digest covers %d bytes; want %d", want.Bytes, accepted+more)
	}
	if d := <-got; d != want {
		t.Errorf("receiver got %v; sender sent %v", d, want)
	}
}

func TestFillUntilStallStopsWithContext(t *testing.T) {
	client, server := newPair(t)
	got := receiveAsync(t, server) // a reader that never falls behind: no stall
	sender := flow.NewSender(client, seed)

	ctx, cancel := context.WithCancel(t.Context())
	if err := sender.Send(ctx, 1<<20); err != nil { // prove data flows first
		t.Fatalf("Send: %v", err)
	}
	cancel()
	if _, err := sender.FillUntilStall(ctx, stall); !errors.Is(err, context.Canceled) {
		t.Fatalf("FillUntilStall with a reading peer and cancelled ctx = %v; want context.Canceled", err)
	}
	if err := client.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	if d := <-got; d != sender.Digest() {
		t.Errorf("receiver got %v; sender sent %v", d, sender.Digest())
	}
}

func TestSendUnblocksOnCancel(t *testing.T) {
	client, _ := newPair(t) // the server never reads
	sender := flow.NewSender(client, seed)
	if _, err := sender.FillUntilStall(t.Context(), stall); err != nil {
		t.Fatalf("FillUntilStall: %v", err)
	}
	// The window is closed, so a 1 MiB Send can only return through ctx.
	ctx, cancel := context.WithCancelCause(t.Context())
	stopErr := errors.New("test gave up")
	cancel(stopErr)
	if err := sender.Send(ctx, 1<<20); !errors.Is(err, stopErr) {
		t.Fatalf("Send on a closed window after cancel = %v; want the cancel cause", err)
	}
}

func TestReceiveUnblocksOnCancel(t *testing.T) {
	_, server := newPair(t) // the client never writes
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := flow.Receive(ctx, server); !errors.Is(err, context.Canceled) {
		t.Fatalf("Receive after cancel = %v; want context.Canceled", err)
	}
}

func TestBufferSizes(t *testing.T) {
	client, _ := newPair(t)
	const asked = 64 << 10
	if err := client.SetWriteBuffer(asked); err != nil {
		t.Fatalf("SetWriteBuffer: %v", err)
	}
	b, err := flow.BufferSizes(client)
	if err != nil {
		t.Fatalf("BufferSizes: %v", err)
	}
	// Linux doubles the value (socket(7)); other kernels keep it.
	if b.Send != asked && b.Send != 2*asked {
		t.Errorf("SO_SNDBUF = %d after SetWriteBuffer(%d); want %d or %d", b.Send, asked, asked, 2*asked)
	}
	if b.Receive <= 0 {
		t.Errorf("SO_RCVBUF = %d; want > 0", b.Receive)
	}
}

func TestSetBuffersBeforeConnect(t *testing.T) {
	const asked = 32 << 10
	lc := net.ListenConfig{Control: flow.SetBuffers(0, asked)}
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	d := net.Dialer{Control: flow.SetBuffers(asked, 0)}
	c, err := d.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	defer s.Close()
	cb, err := flow.BufferSizes(c.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := flow.BufferSizes(s.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	// The accepted socket inherits the listener's receive buffer.
	if (cb.Send != asked && cb.Send != 2*asked) || (sb.Receive != asked && sb.Receive != 2*asked) {
		t.Errorf("client SO_SNDBUF %d, server SO_RCVBUF %d; want %d (or doubled)", cb.Send, sb.Receive, asked)
	}
}
