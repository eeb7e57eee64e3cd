package udp_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/udp"
)

// startUDP serves srv on a fresh loopback port, through wrap if not nil, and
// returns the address. The cleanup stops it and checks Serve returned nil.
func startUDP(t testing.TB, srv *udp.Server, wrap func(net.PacketConn) net.PacketConn) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = testserve.QuietLogger
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { pc.Close() })
	served := pc
	if wrap != nil {
		served = wrap(pc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, served) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v; want nil after cancel", err)
		}
	})
	return pc.LocalAddr().String()
}

// countingEcho echoes and counts how many requests it handled.
func countingEcho(calls *atomic.Int32) udp.HandlerFunc {
	return func(ctx context.Context, from net.Addr, p []byte) ([]byte, error) {
		calls.Add(1)
		return udp.Echo(ctx, from, p)
	}
}
