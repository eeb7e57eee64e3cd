package grpcproxy_test

import (
	"testing"

	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// Shorter names for the shared helpers.
var (
	startProxy   = grpctest.StartProxy
	weighted     = grpctest.Targets
	callCtx      = grpctest.CallCtx
	newRecorder  = grpctest.NewRecorder
	startBackend = grpctest.Backend
	dial         = grpctest.Dial
)

func recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	return grpctest.Recv(tb, ch, what)
}

// startEcho starts a plain Echo backend named name.
func startEcho(tb testing.TB, name string) string {
	tb.Helper()
	return grpctest.Backend(tb, echoserver.New(name))
}
