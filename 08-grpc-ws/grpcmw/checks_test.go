package grpcmw_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/secret"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// TestJWT: the token comes from "authorization" metadata; refusals carry the right code
// and a fixed message; an admitted call reaches the backend with the verified subject,
// and a subject forged by the caller is dropped.
func TestJWT(t *testing.T) {
	g := startGuarded(t, grpcmw.JWT(verifier(t), "echo:write"))
	good := token(t, "alice", "echo:read echo:write")
	tests := []struct {
		name     string
		md       []string
		wantCode codes.Code
		wantMsg  string
	}{
		{"no token", nil, codes.Unauthenticated, "missing bearer token"},
		{"not a bearer", []string{"authorization", "Basic YWxpY2U6cHc="}, codes.Unauthenticated, "missing bearer token"},
		{"forged token", []string{"authorization", "Bearer " + good[:len(good)-4] + "AAAA"}, codes.Unauthenticated, "invalid token"},
		{"scope missing", []string{"authorization", "Bearer " + token(t, "bob", "echo:read")}, codes.PermissionDenied, "insufficient scope"},
		{"admitted", []string{"authorization", "Bearer " + good, grpcmw.SubjectKey, "mallory"}, codes.OK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back, err := g.call(t, tt.md...)
			if st := status.Convert(err); st.Code() != tt.wantCode || st.Message() != tt.wantMsg {
				t.Fatalf("got %v %q, want %v %q", st.Code(), st.Message(), tt.wantCode, tt.wantMsg)
			}
			for k := range back {
				if k == "authorization" || k == grpcmw.SubjectKey {
					t.Errorf("request metadata %q echoed back to the caller", k)
				}
			}
			if tt.wantCode != codes.OK {
				return
			}
			md := grpctest.Recv(t, g.backend.MD, "backend metadata")
			if got := md.Get(grpcmw.SubjectKey); len(got) != 1 || got[0] != "alice" {
				t.Errorf("backend %s = %q, want [alice] (verified, not forged)", grpcmw.SubjectKey, got)
			}
		})
	}
}

// TestIPFilter: the filter sees the trusted-proxy-aware address: the TCP peer, or the
// x-forwarded-for entry a trusted peer vouches for.
func TestIPFilter(t *testing.T) {
	deny203, err := ipfilter.NewFilter(nil, []string{"203.0.113.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	onlyTen, err := ipfilter.NewFilter([]string{"10.0.0.0/8"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		trust  *forwarded.Trust
		filter *ipfilter.Filter
		xff    string
		want   codes.Code
	}{
		{"peer not on the allow list", nil, onlyTen, "", codes.PermissionDenied},
		{"untrusted x-forwarded-for is ignored", nil, onlyTen, "10.1.2.3", codes.PermissionDenied},
		{"trusted x-forwarded-for is believed", forwarded.MustParseTrust("127.0.0.1"), onlyTen, "10.1.2.3", codes.OK},
		{"denied client behind a trusted proxy", forwarded.MustParseTrust("127.0.0.1"), deny203, "203.0.113.9", codes.PermissionDenied},
		{"denied network, other client", nil, deny203, "203.0.113.9", codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := startGuarded(t, grpcmw.ClientIP(tt.trust), grpcmw.IPFilter(tt.filter))
			var md []string
			if tt.xff != "" {
				md = []string{"x-forwarded-for", tt.xff}
			}
			if _, err := g.call(t, md...); status.Code(err) != tt.want {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRateLimit: a burst of two per client address, then ResourceExhausted with a
// RetryInfo; a limiter that cannot decide and fails closed gives Unavailable.
func TestRateLimit(t *testing.T) {
	t.Run("over the limit", func(t *testing.T) {
		policy := ratelimit.Policy{Rate: 0.001, Burst: 2} // no refill within the test
		limit, err := grpcmw.RateLimit(ratelimit.NewLocal(ratelimit.LocalConfig{}), policy, ratelimit.ByClientIP())
		if err != nil {
			t.Fatal(err)
		}
		g := startGuarded(t, grpcmw.ClientIP(nil), limit)
		for i := range 2 {
			if _, err := g.call(t); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		_, err = g.call(t)
		st := status.Convert(err)
		if st.Code() != codes.ResourceExhausted || st.Message() != "rate limit exceeded" {
			t.Fatalf("third call: %v", err)
		}
		if d := st.Details(); len(d) != 1 {
			t.Errorf("details %v, want a RetryInfo", d)
		} else if ri, ok := d[0].(*errdetails.RetryInfo); !ok || ri.GetRetryDelay().AsDuration() <= 0 {
			t.Errorf("detail %v, want a RetryInfo with a delay", d[0])
		}
	})
	t.Run("limiter down, fail closed", func(t *testing.T) {
		limit, err := grpcmw.RateLimit(failClosed{}, ratelimit.Policy{Rate: 1, Burst: 1}, ratelimit.ByConstant("all"))
		if err != nil {
			t.Fatal(err)
		}
		g := startGuarded(t, limit)
		if _, err := g.call(t); status.Code(err) != codes.Unavailable {
			t.Errorf("got %v, want Unavailable", err)
		}
	})
	t.Run("bad policy", func(t *testing.T) {
		if _, err := grpcmw.RateLimit(failClosed{}, ratelimit.Policy{}, ratelimit.ByConstant("x")); err == nil {
			t.Error("RateLimit accepted an empty policy")
		}
	})
}

// failClosed is a limiter whose store is down and that refuses when it cannot decide.
type failClosed struct{}

func (failClosed) Allow(context.Context, string, ratelimit.Policy) (ratelimit.Decision, error) {
	return ratelimit.Decision{RetryAfter: time.Second}, errors.New("redis: connection refused")
}

// TestApps: app tokens are mapped back to the app, whose existence, networks and QPS
// are checked by 07's Gate; the app's ID reaches the backend and the app's counter.
func TestApps(t *testing.T) {
	reg, err := apps.NewRegistry([]apps.App{
		{ID: "shop", SecretHash: secret.Hash(secret.Generate()), QPS: 0.001, Burst: 1},
		{ID: "intranet", SecretHash: secret.Hash(secret.Generate()), AllowedIPs: []string{"10.0.0.0/8"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	gate, err := apps.NewGate(apps.GateConfig{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := flowcount.NewStats(flowcount.StatsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	g := startGuarded(t, grpcmw.ClientIP(nil), grpcmw.Apps(verifier(t), gate), grpcmw.FlowCount(stats, flowcount.App()))
	bearer := func(app string) []string { return []string{"authorization", "Bearer " + token(t, app, "")} }

	tests := []struct {
		name string
		md   []string
		want codes.Code
		msg  string
	}{
		{"app within its limits", append(bearer("shop"), grpcmw.AppKey, "intranet"), codes.OK, ""},
		{"app over its QPS", bearer("shop"), codes.ResourceExhausted, "app rate limit exceeded"},
		{"app from a network it may not use", bearer("intranet"), codes.PermissionDenied, "client address not allowed for this app"},
		{"token of an app that no longer exists", bearer("deleted"), codes.Unauthenticated, "invalid token"},
		{"no token", nil, codes.Unauthenticated, "missing bearer token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := g.call(t, tt.md...)
			if st := status.Convert(err); st.Code() != tt.want || st.Message() != tt.msg {
				t.Errorf("got %v %q, want %v %q", st.Code(), st.Message(), tt.want, tt.msg)
			}
		})
	}
	md := grpctest.Recv(t, g.backend.MD, "backend metadata of the admitted call")
	if got := md.Get(grpcmw.AppKey); len(got) != 1 || got[0] != "shop" {
		t.Errorf("backend %s = %q, want [shop], not the caller's forgery", grpcmw.AppKey, got)
	}
	if got := stats.Counter("app:shop").Total(); got != 1 {
		t.Errorf("app:shop counted %d calls, want 1 (the admitted one)", got)
	}
}

// TestFlowCountCountsRefusedCalls: placed before the limiter, the service counter sees
// every call, refused ones included, as the HTTP middleware does.
func TestFlowCountCountsRefusedCalls(t *testing.T) {
	stats, err := flowcount.NewStats(flowcount.StatsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	limit, err := grpcmw.RateLimit(ratelimit.NewLocal(ratelimit.LocalConfig{}),
		ratelimit.Policy{Rate: 0.001, Burst: 1}, ratelimit.ByConstant("echo"))
	if err != nil {
		t.Fatal(err)
	}
	g := startGuarded(t, grpcmw.FlowCount(stats, flowcount.Service("echo")), limit)
	var refused int
	for range 3 {
		if _, err := g.call(t); err != nil {
			refused++
		}
	}
	if got := stats.Counter("service:echo").Total(); got != 3 || refused != 2 {
		t.Errorf("counted %d calls with %d refused, want 3 with 2 refused", got, refused)
	}
}
