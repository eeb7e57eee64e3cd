// Package testserve starts this module's servers on loopback for tests and
// stops them in t.Cleanup, checking that they stopped the way they should.
package testserve

import (
	"errors"
	"log/slog"
	"net"
	"testing"

	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// QuietLogger keeps expected panics and accept errors out of test output.
var QuietLogger = slog.New(slog.DiscardHandler)

// TCP serves srv on a fresh 127.0.0.1 port and returns its address. The
// cleanup closes srv and checks that Serve returned ErrServerClosed.
func TCP(t testing.TB, srv *tcpserver.Server) string {
	t.Helper()
	ln := Listen(t)
	ServeTCP(t, srv, ln)
	return ln.Addr().String()
}

// ServeTCP serves srv on ln until the test ends, then closes srv and checks
// that Serve returned ErrServerClosed. It works inside a synctest bubble
// with an in-memory listener too.
func ServeTCP(t testing.TB, srv *tcpserver.Server, ln net.Listener) {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = QuietLogger
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-served; !errors.Is(err, tcpserver.ErrServerClosed) {
			t.Errorf("Serve returned %v; want ErrServerClosed", err)
		}
	})
}

// Listen opens a TCP listener on a fresh 127.0.0.1 port, closed at cleanup.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}
