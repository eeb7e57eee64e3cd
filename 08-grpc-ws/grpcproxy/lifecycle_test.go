package grpcproxy_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// TestCancelMidStream: a client that cancels a stream it is reading cancels the call
// on the backend too, instead of leaving the backend streaming to nobody.
func TestCancelMidStream(t *testing.T) {
	rec := newRecorder("backend-a")
	fx := startProxy(t, grpctest.FixtureConfig{}, startBackend(t, rec))
	ctx, cancel := context.WithCancel(callCtx(t))
	defer cancel()
	stream, err := fx.Client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "m", Repeat: 2, Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := stream.Recv(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled {
		t.Errorf("client got %v, want Canceled", err)
	}
	if err := recv(t, rec.Ended, "backend handler end"); status.Code(err) != codes.Canceled {
		t.Errorf("backend call ended with %v, want Canceled", err)
	}
}

// TestDeadlineExceeded: the caller's deadline travels to the backend (as grpc-timeout,
// re-derived by the proxy) and the call ends on both sides when it passes.
//
// gRPC sends a timeout, not an instant, so each hop's deadline is later than the one
// before by the time the request spent in transit; the proxy's expires first and it
// cancels the upstream call, or the backend's own timer wins the race. Either way the
// backend call ends, and its deadline is the caller's give or take that transit time.
func TestDeadlineExceeded(t *testing.T) {
	rec := newRecorder("backend-a")
	fx := startProxy(t, grpctest.FixtureConfig{}, startBackend(t, rec))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	callerDeadline, _ := ctx.Deadline()

	_, err := fx.Client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "m", Hold: true})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("client got %v, want DeadlineExceeded", err)
	}
	if err := recv(t, rec.Ended, "backend handler end"); status.Code(err) != codes.DeadlineExceeded &&
		status.Code(err) != codes.Canceled {
		t.Errorf("backend call ended with %v, want DeadlineExceeded or Canceled", err)
	}
	md := recv(t, rec.MD, "backend metadata")
	if v := md.Get("grpc-timeout"); len(v) != 0 {
		t.Errorf("grpc-timeout leaked into backend metadata: %q", v)
	}
	backendDeadline := recv(t, rec.Deadlines, "backend deadline")
	if backendDeadline.IsZero() || backendDeadline.Sub(callerDeadline).Abs() > time.Second {
		t.Errorf("backend deadline %v, want the caller's %v give or take transit", backendDeadline, callerDeadline)
	}
}

// TestClientSideFailureCancelsUpstream: a message above the proxy's limit fails the
// call with ResourceExhausted and the upstream call is cancelled, not left waiting.
func TestClientSideFailureCancelsUpstream(t *testing.T) {
	rec := newRecorder("backend-a")
	fc := grpctest.FixtureConfig{}
	fc.Server.MaxMsgSize = 1 << 10
	fx := startProxy(t, fc, startBackend(t, rec))
	stream, err := fx.Client.BidirectionalStreamingEcho(callCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&echopb.EchoRequest{Message: "small"}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 2<<10)
	for i := range big {
		big[i] = 'x'
	}
	if err := stream.Send(&echopb.EchoRequest{Message: string(big)}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("client got %v, want ResourceExhausted", err)
	}
	if err := recv(t, rec.Ended, "backend handler end"); status.Code(err) != codes.Canceled {
		t.Errorf("backend call ended with %v, want Canceled", err)
	}
}
