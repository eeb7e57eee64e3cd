package grpcproxy_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// TestMetadataForwarding checks what reaches the upstream and what comes back: the
// caller's own keys pass, hop-local and dropped keys do not, identity is set only by
// the gateway, forwarding keys follow the trust rules, and nothing the caller sent is
// echoed back to it.
func TestMetadataForwarding(t *testing.T) {
	tests := []struct {
		name    string
		trust   *forwarded.Trust
		wantXFF string
	}{
		{"untrusted peer: x-forwarded-for replaced", nil, "127.0.0.1"},
		{"trusted peer: x-forwarded-for extended", forwarded.MustParseTrust("127.0.0.1"), "203.0.113.9, 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder("backend-a")
			fx := startProxy(t, grpctest.FixtureConfig{Proxy: grpcproxy.Config{
				Trust:        tt.trust,
				DropMetadata: []string{"X-Gateway-App"},
				Outgoing: func(_ context.Context, md metadata.MD) {
					md.Set("x-gateway-app", "verified-by-gateway")
				},
			}}, startBackend(t, rec))

			ctx := metadata.AppendToOutgoingContext(callCtx(t),
				"x-user", "alice",
				"x-trace-bin", string([]byte{0, 1, 2, 0xff}),
				"x-gateway-app", "forged-by-caller",
				"x-forwarded-for", "203.0.113.9",
				"grpc-previous-rpc-attempts", "7",
			)
			var header, trailer metadata.MD
			if _, err := fx.Client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "m"},
				grpc.Header(&header), grpc.Trailer(&trailer)); err != nil {
				t.Fatal(err)
			}
			md := recv(t, rec.MD, "upstream metadata")
			expectMD(t, md, "x-user", "alice")
			expectMD(t, md, "x-trace-bin", string([]byte{0, 1, 2, 0xff}))
			expectMD(t, md, "x-gateway-app", "verified-by-gateway")
			expectMD(t, md, "x-forwarded-for", tt.wantXFF)
			expectMD(t, md, "x-forwarded-proto", "http")
			expectMD(t, md, "x-forwarded-host", fx.Addr)
			if ua := md.Get("user-agent"); len(ua) != 1 || !strings.HasPrefix(ua[0], "gatewaylab-grpc-proxy") {
				t.Errorf("upstream user-agent %q, want the proxy's", ua)
			}
			if v := md.Get("grpc-previous-rpc-attempts"); len(v) != 0 {
				t.Errorf("reserved grpc- key forwarded: %q", v)
			}
			for _, back := range []metadata.MD{header, trailer} {
				for k := range back {
					if k == "x-user" || k == "x-gateway-app" || strings.HasPrefix(k, "x-forwarded") || k == "x-trace-bin" {
						t.Errorf("request metadata %q echoed back to the caller", k)
					}
				}
			}
		})
	}
}

func expectMD(t *testing.T, md metadata.MD, key, want string) {
	t.Helper()
	if got := md.Get(key); !slices.Equal(got, []string{want}) {
		t.Errorf("upstream %s = %q, want [%q]", key, got, want)
	}
}
