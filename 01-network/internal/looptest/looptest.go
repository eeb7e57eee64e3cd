// Package looptest opens real loopback TCP connections for tests.
package looptest

import (
	"net"
	"testing"
)

// Pair is one loopback connection: the listener, the dialled end and the
// accepted end. All three are closed by t.Cleanup.
type Pair struct {
	Listener       net.Listener
	Client, Server *net.TCPConn
}

// Dial listens on addr ("127.0.0.1:0", "[::1]:0") with network ("tcp",
// "tcp4", "tcp6"), dials it once and accepts the connection.
func Dial(t testing.TB, network, addr string) Pair {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("listen %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	c, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatalf("dial %s: %v", ln.Addr(), err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := ln.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return Pair{Listener: ln, Client: c.(*net.TCPConn), Server: s.(*net.TCPConn)}
}
