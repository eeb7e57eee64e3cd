// Package testkit has the few helpers every test package of this stage needs: a bound
// on waits, a bounded receive, and an address where nothing listens.
package testkit

import (
	"net"
	"testing"
	"time"
)

// WaitLimit bounds every wait in the tests, so that a broken proxy fails a test
// instead of hanging it.
const WaitLimit = 10 * time.Second

// Recv waits for a value on ch, failing the test after WaitLimit.
func Recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(WaitLimit):
		tb.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// ClosedPort returns a loopback address nothing listens on (a port just released).
func ClosedPort(tb testing.TB) string {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		tb.Fatal(err)
	}
	return addr
}
