// Package grpctest has the helpers this stage's gRPC tests share: loopback servers and
// clients that stop with the test, and an Echo backend that records what reached it.
package grpctest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/08-grpc-ws/internal/testkit"
)

// WaitLimit bounds every wait in the tests.
const WaitLimit = testkit.WaitLimit

// Serve runs s on a fresh loopback port until the test ends and returns its address.
func Serve(tb testing.TB, s *grpc.Server) string {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			tb.Errorf("serve %s: %v", lis.Addr(), err)
		}
	}()
	tb.Cleanup(func() {
		s.Stop()
		<-done
	})
	return lis.Addr().String()
}

// Backend serves impl (an Echo server) on loopback and returns its address.
func Backend(tb testing.TB, impl echopb.EchoServer) string {
	tb.Helper()
	s := grpc.NewServer()
	echopb.RegisterEchoServer(s, impl)
	return Serve(tb, s)
}

// Dial returns a cleartext client connection to addr, closed when the test ends.
func Dial(tb testing.TB, addr string) *grpc.ClientConn {
	tb.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cc.Close() })
	return cc
}

// CallCtx is a context for one call, bounded by WaitLimit.
func CallCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), WaitLimit)
	tb.Cleanup(cancel)
	return ctx
}

// Recv waits for a value on ch, failing the test after WaitLimit.
func Recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	return testkit.Recv(tb, ch, what)
}

// Recorder is an Echo backend that reports what reached it: each call's metadata and
// deadline, and the error each handler ended with. Reports that find the channels full
// are dropped rather than blocking the server.
type Recorder struct {
	*echoserver.Server
	MD        chan metadata.MD
	Deadlines chan time.Time // zero when the call had none
	Ended     chan error
}

// NewRecorder returns a Recorder answering as name.
func NewRecorder(name string) *Recorder {
	return &Recorder{
		Server:    echoserver.New(name),
		MD:        make(chan metadata.MD, 64),
		Deadlines: make(chan time.Time, 64),
		Ended:     make(chan error, 64),
	}
}

func (r *Recorder) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	deadline, _ := ctx.Deadline()
	offer(r.MD, md.Copy())
	offer(r.Deadlines, deadline)
}

func (r *Recorder) end(err error) error {
	offer(r.Ended, err)
	return err
}

func offer[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// UnaryEcho records the call and answers as the Echo server does.
func (r *Recorder) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	r.record(ctx)
	res, err := r.Server.UnaryEcho(ctx, req)
	return res, r.end(err)
}

// ServerStreamingEcho records the call and answers as the Echo server does.
func (r *Recorder) ServerStreamingEcho(req *echopb.EchoRequest, s echopb.Echo_ServerStreamingEchoServer) error {
	r.record(s.Context())
	return r.end(r.Server.ServerStreamingEcho(req, s))
}

// BidirectionalStreamingEcho records the call and answers as the Echo server does.
func (r *Recorder) BidirectionalStreamingEcho(s echopb.Echo_BidirectionalStreamingEchoServer) error {
	r.record(s.Context())
	return r.end(r.Server.BidirectionalStreamingEcho(s))
}

// Fixture is a running transparent proxy and a client connected to it.
type Fixture struct {
	Upstreams *grpcproxy.Upstreams
	Client    echopb.EchoClient
	Addr      string // the proxy's address
}

// FixtureConfig tunes StartProxy; the zero value is a round-robin proxy.
type FixtureConfig struct {
	Policy   string           // default round robin
	Balancer balancer.Options // options for the policy
	Proxy    grpcproxy.Config // Upstreams is filled in; Logger defaults to discarding
	Server   grpcproxy.ServerConfig
	Extra    []grpc.ServerOption // interceptors, for instance
}

// StartProxy runs a proxy over targets until the test ends and returns it with a
// connected client.
func StartProxy(tb testing.TB, fc FixtureConfig, targets ...string) *Fixture {
	tb.Helper()
	if fc.Policy == "" {
		fc.Policy = balancer.PolicyRoundRobin
	}
	bal, err := balancer.New(fc.Policy, fc.Balancer)
	if err != nil {
		tb.Fatal(err)
	}
	ups := grpcproxy.NewUpstreams(bal, grpcproxy.Dialer(grpcproxy.DialConfig{}))
	tb.Cleanup(func() {
		if err := ups.Close(); err != nil {
			tb.Error(err)
		}
	})
	if err := ups.Update(Targets(targets...)); err != nil {
		tb.Fatal(err)
	}
	fc.Proxy.Upstreams = ups
	if fc.Proxy.Logger == nil {
		fc.Proxy.Logger = slog.New(slog.DiscardHandler)
	}
	p, err := grpcproxy.New(fc.Proxy)
	if err != nil {
		tb.Fatal(err)
	}
	addr := Serve(tb, p.NewServer(fc.Server, fc.Extra...))
	return &Fixture{Upstreams: ups, Client: echopb.NewEchoClient(Dial(tb, addr)), Addr: addr}
}

// Targets returns targets of weight 1.
func Targets(addrs ...string) []balancer.Target {
	ts := make([]balancer.Target, len(addrs))
	for i, a := range addrs {
		ts[i] = balancer.Target{Addr: a, Weight: 1}
	}
	return ts
}
