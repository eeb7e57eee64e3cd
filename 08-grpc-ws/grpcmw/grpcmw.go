// Package grpcmw is the gateway's middleware for gRPC calls: interceptors that run
// stage 07's decisions (IP filter, JWT and app authentication, rate limits, flow
// counts) before a call reaches the proxy, and refuse with the code gRPC clients
// expect: Unauthenticated, PermissionDenied, ResourceExhausted (with a RetryInfo
// detail), Unavailable. The course's interceptors returned plain errors, which reach
// clients as Unknown.
//
// A Check sees the call as the HTTP/2 request it is (grpcproxy.HTTPRequest): its
// metadata as headers, the peer as RemoteAddr. So 07's HTTP-agnostic deciders (a
// jwtauth.Verifier, an apps.Gate, a ratelimit.Limiter, flowcount.Stats) and even its
// request keys (ratelimit.ByClientIP, ratelimit.ByApp, flowcount.App...) are reused
// as they are, and one configuration means the same on both protocols.
//
// What a check learns travels in the context (package clientip for the address,
// package identity for the caller), never in metadata the caller could have written:
// the course trusted a client-supplied "app" metadata entry, and echoed every request
// header back to the client (its app secret included). Refusals here carry fixed
// messages and never repeat what the caller sent; ForwardIdentity tells the upstream
// who called, under keys the proxy strips from callers (IdentityKeys).
package grpcmw

import (
	"context"
	"net/http"

	"google.golang.org/grpc"

	"gatewaylab/08-grpc-ws/grpcproxy"
)

// Check decides on one call before it runs. r is the call as an HTTP/2 request, for
// reading only. A Check returns the context the call continues with (r.Context() or
// one carrying what it learnt), or a status error that refuses the call.
type Check func(r *http.Request) (context.Context, error)

// StreamInterceptor runs checks, in order, before each streaming call (every call the
// transparent proxy handles is one); the first refusal ends the call.
func StreamInterceptor(checks ...Check) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, err := admit(ss.Context(), info.FullMethod, checks)
		if err != nil {
			return err
		}
		return handler(srv, &checkedStream{ServerStream: ss, ctx: ctx})
	}
}

// UnaryInterceptor runs checks before each unary call of services a server
// implements itself.
func UnaryInterceptor(checks ...Check) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, err := admit(ctx, info.FullMethod, checks)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// admit runs the checks and returns the context the call continues with.
func admit(ctx context.Context, method string, checks []Check) (context.Context, error) {
	r := grpcproxy.HTTPRequest(ctx, method)
	for _, check := range checks {
		next, err := check(r)
		if err != nil {
			return nil, err
		}
		if next != r.Context() {
			r = r.WithContext(next)
		}
	}
	return r.Context(), nil
}

// checkedStream is a ServerStream whose context carries what the checks learnt.
type checkedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *checkedStream) Context() context.Context { return s.ctx }
