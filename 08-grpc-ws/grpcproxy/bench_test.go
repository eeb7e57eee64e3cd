package grpcproxy_test

import (
	"testing"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// route is one way to reach the Echo backend in a benchmark.
type route struct {
	name   string
	client echopb.EchoClient
}

// directAndProxied returns a client straight to one backend and one through the proxy.
func directAndProxied(b *testing.B) []route {
	backend := startEcho(b, "a")
	fx := startProxy(b, grpctest.FixtureConfig{}, backend)
	return []route{
		{"direct", echopb.NewEchoClient(dial(b, backend))},
		{"proxy", fx.Client},
	}
}

// BenchmarkUnary measures one small unary call, straight to the backend and through the
// proxy; the README reports the ratio.
func BenchmarkUnary(b *testing.B) {
	for _, r := range directAndProxied(b) {
		b.Run(r.name, func(b *testing.B) {
			req := &echopb.EchoRequest{Message: "benchmark"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.client.UnaryEcho(b.Context(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBidiMessage measures one message echoed on an open bidirectional stream:
// the per-message cost of the proxy once a call is set up.
func BenchmarkBidiMessage(b *testing.B) {
	for _, r := range directAndProxied(b) {
		b.Run(r.name, func(b *testing.B) {
			stream, err := r.client.BidirectionalStreamingEcho(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			req := &echopb.EchoRequest{Message: "benchmark"}
			b.ReportAllocs()
			for b.Loop() {
				if err := stream.Send(req); err != nil {
					b.Fatal(err)
				}
				if _, err := stream.Recv(); err != nil {
					b.Fatal(err)
				}
			}
			if err := stream.CloseSend(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
