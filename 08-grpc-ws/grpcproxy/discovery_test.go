package grpcproxy_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"gatewaylab/06-discovery/discovery"
	health6 "gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// healthyBackend serves Echo and grpc.health.v1 and returns its address and health
// server.
func healthyBackend(t *testing.T, name string) (string, *health.Server) {
	t.Helper()
	s := grpc.NewServer()
	hs := echoserver.Register(s, echoserver.New(name))
	return grpctest.Serve(t, s), hs
}

// discoveryFixture is a proxy whose targets come from stage 06: a registry watched by
// the discovery observer, filtered by active gRPC health checks.
type discoveryFixture struct {
	*grpctest.Fixture
	reg     *memory.Registry
	updates chan discovery.Snapshot
}

func startDiscovery(t *testing.T) *discoveryFixture {
	t.Helper()
	fx := grpctest.StartProxy(t, grpctest.FixtureConfig{})
	checker, err := health6.New(health6.Config{
		Prober:   health6.GRPC(health6.GRPCConfig{Service: echopb.Echo_ServiceDesc.ServiceName}),
		Interval: 10 * time.Millisecond, Jitter: -1, Rise: 1, Fall: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	df := &discoveryFixture{Fixture: fx, reg: &memory.Registry{}, updates: make(chan discovery.Snapshot, 64)}
	obs, err := discovery.New(discovery.Config{
		Source:   discovery.FromRegistry(df.reg, "echo"),
		Balancer: fx.Upstreams, // the proxy's target set is a balancer like any other
		Checker:  checker,
		OnUpdate: func(s discovery.Snapshot) { df.updates <- s },
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := obs.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("observer: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return df
}

// waitRouted waits until the observer has routed exactly n targets.
func (df *discoveryFixture) waitRouted(t *testing.T, n int) {
	t.Helper()
	for {
		if s := grpctest.Recv(t, df.updates, "a discovery update"); len(s.Routed) == n {
			return
		}
	}
}

// TestDiscoveryAndHealthFeedTheProxy: targets registered in 06's registry and passing
// gRPC health checks get calls; a target whose health turns NOT_SERVING, or that leaves
// the registry, gets no new calls, while the stream already open on it runs to its end.
func TestDiscoveryAndHealthFeedTheProxy(t *testing.T) {
	addrs := map[string]string{}
	healths := map[string]*health.Server{}
	var insts []registry.Instance
	for _, name := range []string{"a", "b", "c"} {
		addr, hs := healthyBackend(t, name)
		addrs[name], healths[name] = addr, hs
		insts = append(insts, registry.Instance{Addr: addr})
	}
	df := startDiscovery(t)
	if err := df.reg.Set("echo", insts); err != nil {
		t.Fatal(err)
	}
	df.waitRouted(t, 3)
	if got := servedBy(t, df.Client, 30); got["a"] != 10 || got["b"] != 10 || got["c"] != 10 {
		t.Fatalf("with three healthy targets: %v, want 10 each", got)
	}

	stream, err := df.Client.BidirectionalStreamingEcho(grpctest.CallCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	on := exchange(t, stream, "open")

	healths[on].SetServingStatus(echopb.Echo_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_NOT_SERVING)
	df.waitRouted(t, 2)
	if got := servedBy(t, df.Client, 10); got[on] != 0 || len(got) != 2 {
		t.Errorf("after %s turned NOT_SERVING: %v, want the other two only", on, got)
	}
	if by := exchange(t, stream, "still open"); by != on {
		t.Errorf("open stream moved from %s to %s", on, by)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	drain(t, stream)

	var rest []registry.Instance
	for _, in := range insts {
		if in.Addr != addrs[on] {
			rest = append(rest, in)
		}
	}
	if err := df.reg.Set("echo", rest[:1]); err != nil { // one more leaves the registry
		t.Fatal(err)
	}
	df.waitRouted(t, 1)
	if got := servedBy(t, df.Client, 4); len(got) != 1 {
		t.Errorf("with one registered target left: %v", got)
	}
	if got := df.Upstreams.Stats(); len(got) != 1 || got[0].Addr != rest[0].Addr {
		t.Errorf("connections %+v, want only %s's: the others were closed", got, rest[0].Addr)
	}
}

// exchange sends one message on a bidirectional stream and returns who answered.
func exchange(t *testing.T, s echopb.Echo_BidirectionalStreamingEchoClient, msg string) string {
	t.Helper()
	if err := s.Send(&echopb.EchoRequest{Message: msg}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Recv()
	if err != nil {
		t.Fatal(err)
	}
	return res.GetServedBy()
}
