// Package gateway_test runs the gateway end to end: the real binary, built once per test
// run, started as a subprocess with a configuration file written by the test, in front
// of real backends of every protocol it proxies (HTTP/1.1, HTTP/2 over TLS and h2c,
// WebSocket, gRPC, TCP). Each scenario asserts what the client got and what the backends
// actually received.
//
// One gateway process serves every scenario that can share it (TestFeatures); hot
// reload, graceful shutdown and the embedded default configuration need a process of
// their own. When the tests run with -race, the binary is built with -race too, and a
// data race in it fails the test through its exit status.
package gateway_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"gatewaylab/09-final-gateway/internal/proc"
)

// gatewayBin is the binary under test, built by TestMain.
var gatewayBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gateway-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if gatewayBin, err = proc.Build(context.Background(), dir, proc.RaceEnabled); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build the gateway:", err)
		return 1
	}
	return m.Run()
}
