package grpcmw_test

import (
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// testSecret signs the tests' tokens; it exists nowhere else.
var testSecret = []byte("grpcmw-test-secret-of-32-bytes!!")

func signer(t *testing.T) *jwtauth.Signer {
	t.Helper()
	s, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key:    jwtauth.SigningKey{Algorithm: jwtauth.HS256, Secret: testSecret},
		Issuer: "gatewaylab", Audience: "echo",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func verifier(t *testing.T) *jwtauth.Verifier {
	t.Helper()
	v, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: testSecret}},
		Issuer: "gatewaylab", Audience: "echo",
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func token(t *testing.T, subject, scope string) string {
	t.Helper()
	tok, _, err := signer(t).Sign(subject, scope)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// guarded is a transparent proxy behind checks, in front of a recording backend.
type guarded struct {
	client  echopb.EchoClient
	backend *grpctest.Recorder
}

func startGuarded(t *testing.T, checks ...grpcmw.Check) *guarded {
	t.Helper()
	rec := grpctest.NewRecorder("backend")
	fx := grpctest.StartProxy(t, grpctest.FixtureConfig{
		Proxy: grpcproxy.Config{DropMetadata: grpcmw.IdentityKeys, Outgoing: grpcmw.ForwardIdentity},
		Extra: []grpc.ServerOption{grpc.ChainStreamInterceptor(grpcmw.StreamInterceptor(checks...))},
	}, grpctest.Backend(t, rec))
	return &guarded{client: fx.Client, backend: rec}
}

// call makes one unary call with metadata md (key, value pairs) and returns the
// response header and trailer the caller got, and the call's error.
func (g *guarded) call(t *testing.T, md ...string) (metadata.MD, error) {
	t.Helper()
	var header, trailer metadata.MD
	ctx := metadata.AppendToOutgoingContext(grpctest.CallCtx(t), md...)
	_, err := g.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: "m"}, grpc.Header(&header), grpc.Trailer(&trailer))
	return metadata.Join(header, trailer), err
}
