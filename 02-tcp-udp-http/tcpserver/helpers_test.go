package tcpserver_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

var quietLogger = testserve.QuietLogger

// lineEcho echoes every line until the client goes away.
var lineEcho = tcpserver.HandlerFunc(func(_ context.Context, conn net.Conn) {
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if _, err := io.WriteString(conn, line); err != nil {
			return
		}
	}
})

// startServer serves s on a fresh loopback port and returns the address.
func startServer(t testing.TB, s *tcpserver.Server) string {
	t.Helper()
	return testserve.TCP(t, s)
}

// dial connects to addr; the connection is closed when the test ends. Every
// read and write is bounded so a broken server fails the test instead of
// hanging it.
func dial(t testing.TB, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	return conn
}

// exchange writes line and returns the reply line.
func exchange(t testing.TB, conn net.Conn, r *bufio.Reader, line string) string {
	t.Helper()
	if _, err := io.WriteString(conn, line+"\n"); err != nil {
		t.Fatalf("write %q: %v", line, err)
	}
	reply, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read reply to %q: %v", line, err)
	}
	return strings.TrimSuffix(reply, "\n")
}

// readToEOF asserts that the server closes conn, returning what it sent first.
func readToEOF(t testing.TB, conn net.Conn) string {
	t.Helper()
	rest, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("want the server to close the connection; read: %v", err)
	}
	return string(rest)
}
