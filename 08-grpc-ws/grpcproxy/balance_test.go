package grpcproxy_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/08-grpc-ws/internal/grpctest"
	"gatewaylab/08-grpc-ws/internal/testkit"
)

// servedBy makes n unary calls and counts which backend answered each.
func servedBy(t *testing.T, client echopb.EchoClient, n int, md ...string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for range n {
		ctx := metadata.AppendToOutgoingContext(callCtx(t), md...)
		res, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "m"})
		if err != nil {
			t.Fatal(err)
		}
		counts[res.GetServedBy()]++
	}
	return counts
}

// TestCallsSpreadAcrossThreeBackends: round robin over three targets balances every
// call, not once per client connection: 30 calls on one connection give 10 each.
func TestCallsSpreadAcrossThreeBackends(t *testing.T) {
	fx := startProxy(t, grpctest.FixtureConfig{}, startEcho(t, "a"), startEcho(t, "b"), startEcho(t, "c"))
	got := servedBy(t, fx.Client, 30)
	for _, name := range []string{"a", "b", "c"} {
		if got[name] != 10 {
			t.Errorf("counts %v, want 10 calls on each of a, b, c", got)
			break
		}
	}
}

// TestHashKeyFromMetadata: with consistent hashing keyed by x-user, each user's calls
// all land on one backend.
func TestHashKeyFromMetadata(t *testing.T) {
	fx := startProxy(t, grpctest.FixtureConfig{
		Policy: balancer.PolicyConsistentHash,
		Proxy:  grpcproxy.Config{Key: grpcproxy.MetadataKey("x-user")},
	}, startEcho(t, "a"), startEcho(t, "b"), startEcho(t, "c"))
	for _, user := range []string{"alice", "bob", "carol", "dave"} {
		if got := servedBy(t, fx.Client, 6, "x-user", user); len(got) != 1 {
			t.Errorf("user %s served by %v, want a single backend", user, got)
		}
	}
}

// TestRemovedTargetDrains: a target removed from the set gets no new calls, while the
// stream already open on it carries on to its end; then its connection closes.
func TestRemovedTargetDrains(t *testing.T) {
	a, b, c := startEcho(t, "a"), startEcho(t, "b"), startEcho(t, "c")
	fx := startProxy(t, grpctest.FixtureConfig{}, a)

	stream, err := fx.Client.BidirectionalStreamingEcho(callCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if by := exchange(t, stream, "before"); by != "a" {
		t.Fatalf("stream served by %s, want a", by)
	}

	if err := fx.Upstreams.Update(weighted(b, c)); err != nil {
		t.Fatal(err)
	}
	if got := servedBy(t, fx.Client, 10); got["a"] != 0 || got["b"] != 5 || got["c"] != 5 {
		t.Errorf("after removing a: %v, want 5 on b and c, none on a", got)
	}
	expectStats(t, fx.Upstreams, []grpcproxy.TargetStats{{Addr: a, Active: 1, Draining: true}, {Addr: b}, {Addr: c}})

	if by := exchange(t, stream, "after"); by != "a" {
		t.Errorf("open stream moved to %s, want it to stay on a", by)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, stream); len(got) != 0 {
		t.Errorf("unexpected responses %v", got)
	}
	expectStats(t, fx.Upstreams, []grpcproxy.TargetStats{{Addr: b}, {Addr: c}})
}

func expectStats(t *testing.T, ups *grpcproxy.Upstreams, want []grpcproxy.TargetStats) {
	t.Helper()
	slices.SortFunc(want, func(x, y grpcproxy.TargetStats) int { return strings.Compare(x.Addr, y.Addr) })
	if got := ups.Stats(); !slices.Equal(got, want) {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// TestNoTarget: an empty set answers Unavailable at once.
func TestNoTarget(t *testing.T) {
	fx := startProxy(t, grpctest.FixtureConfig{})
	_, err := fx.Client.UnaryEcho(callCtx(t), &echopb.EchoRequest{Message: "m"})
	if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "no upstream available" {
		t.Errorf("got %v, want Unavailable: no upstream available", err)
	}
}

// TestOutcomesReported: the balancer hears about every call, with the gRPC code turned
// into the nearest HTTP status; a dead target's error reaches the caller without its
// address.
func TestOutcomesReported(t *testing.T) {
	dead := testkit.ClosedPort(t)
	var mu sync.Mutex
	statuses := map[string][]int{}
	observer := balancer.OutcomeObserverFunc(func(ep *balancer.Endpoint, o balancer.Outcome) {
		mu.Lock()
		defer mu.Unlock()
		statuses[ep.Addr()] = append(statuses[ep.Addr()], o.Status)
	})
	live := startEcho(t, "a")
	fx := startProxy(t, grpctest.FixtureConfig{Balancer: balancer.Options{Observer: observer}}, live)

	for _, code := range []codes.Code{codes.OK, codes.NotFound, codes.Unavailable} {
		_, err := fx.Client.UnaryEcho(callCtx(t), &echopb.EchoRequest{FailCode: int32(code)})
		if status.Code(err) != code {
			t.Errorf("asked for %v, got %v", code, err)
		}
	}
	if err := fx.Upstreams.Update(weighted(dead)); err != nil {
		t.Fatal(err)
	}
	_, err := fx.Client.UnaryEcho(callCtx(t), &echopb.EchoRequest{})
	st := status.Convert(err)
	if st.Code() != codes.Unavailable || strings.Contains(st.Message(), "127.0.0.1") {
		t.Errorf("dead target: got %v, want Unavailable without an address", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if got := statuses[live]; len(got) != 3 || got[0] != 200 || got[1] != 404 || got[2] != 503 {
		t.Errorf("live target outcomes %v, want [200 404 503]", got)
	}
	if got := statuses[dead]; len(got) != 1 || got[0] != 503 {
		t.Errorf("dead target outcomes %v, want [503]", got)
	}
}
