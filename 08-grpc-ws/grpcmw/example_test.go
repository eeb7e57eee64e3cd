package grpcmw_test

import (
	"context"
	"fmt"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/08-grpc-ws/grpcproxy"
)

// A Check is a plain function of the call seen as an HTTP/2 request; interceptors run
// a list of them. Here the JWT check refuses two calls with the code gRPC clients
// expect, and a fixed message that repeats nothing the caller sent.
func ExampleJWT() {
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: []byte("example-only-secret-of-32-bytes!")}},
		Issuer: "gatewaylab", Audience: "echo",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	check := grpcmw.JWT(verifier)
	for _, md := range []metadata.MD{
		{},
		metadata.Pairs("authorization", "Bearer my_sign_key-was-in-the-course-source"),
	} {
		ctx := metadata.NewIncomingContext(context.Background(), md)
		_, err := check(grpcproxy.HTTPRequest(ctx, "/gatewaylab.echo.v1.Echo/UnaryEcho"))
		fmt.Println(status.Code(err), "-", status.Convert(err).Message())
	}
	// Output:
	// Unauthenticated - missing bearer token
	// Unauthenticated - invalid token
}

// ForwardIdentity tells the upstream who the checks admitted, under keys a caller
// cannot set (the proxy drops IdentityKeys from what callers send).
func ExampleForwardIdentity() {
	ctx := identity.With(context.Background(), identity.Identity{App: "shop", Subject: "shop", Method: "app"})
	md := metadata.Pairs(grpcmw.AppKey, "forged") // what a caller sent; the proxy drops it first
	delete(md, grpcmw.AppKey)
	grpcmw.ForwardIdentity(ctx, md)
	fmt.Println(md.Get(grpcmw.AppKey), md.Get(grpcmw.SubjectKey))
	// Output:
	// [shop] [shop]
}
