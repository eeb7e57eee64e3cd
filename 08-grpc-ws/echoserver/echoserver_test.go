package echoserver_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

func start(t *testing.T) *grpc.ClientConn {
	t.Helper()
	s := grpc.NewServer()
	echoserver.Register(s, echoserver.New("e"))
	return grpctest.Dial(t, grpctest.Serve(t, s))
}

func TestRequestsThatMisbehave(t *testing.T) {
	client := echopb.NewEchoClient(start(t))
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want codes.Code
	}{
		{"repeat above the bound", func(ctx context.Context) error {
			s, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Repeat: echoserver.MaxRepeat + 1})
			if err != nil {
				return err
			}
			_, err = s.Recv()
			return err
		}, codes.InvalidArgument},
		{"fail code", func(ctx context.Context) error {
			_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{FailCode: int32(codes.AlreadyExists)})
			return err
		}, codes.AlreadyExists},
		{"hold until the deadline", func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Hold: true})
			return err
		}, codes.DeadlineExceeded},
		{"client stream failing on its second message", func(ctx context.Context) error {
			s, err := client.ClientStreamingEcho(ctx)
			if err != nil {
				return err
			}
			for _, req := range []*echopb.EchoRequest{{Message: "ok"}, {FailCode: int32(codes.OutOfRange)}} {
				if err := s.Send(req); err != nil {
					break // the server has answered; CloseAndRecv reports how
				}
			}
			_, err = s.CloseAndRecv()
			return err
		}, codes.OutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(grpctest.CallCtx(t)); status.Code(err) != tt.want {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHealthServing(t *testing.T) {
	h := healthpb.NewHealthClient(start(t))
	for _, service := range []string{"", echopb.Echo_ServiceDesc.ServiceName} {
		res, err := h.Check(grpctest.CallCtx(t), &healthpb.HealthCheckRequest{Service: service})
		if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health of %q: %v, %v; want SERVING", service, res, err)
		}
	}
}
