// Package grpcproxy is a transparent gRPC proxy (透明代理): it forwards calls to
// services it has no generated code for, balancing every call over a set of targets
// that can change while calls run.
//
// # How a call crosses the proxy
//
// A grpc.Server built with ServerOptions (or NewServer) hands every call for a service
// it does not serve itself to Proxy.Handle. Messages arrive as a *Frame through Codec,
// which keeps gRPC's buffers instead of decoding them, so no protobuf schema is needed
// and no message is copied. Handle then:
//
//  1. picks a target with the 05 balancer, per call, and leases that target's pooled
//     *grpc.ClientConn from Upstreams (one connection per target, multiplexing every
//     call to it over HTTP/2);
//  2. opens the same method upstream as a bidirectional stream, with the caller's
//     metadata minus hop-local keys (":authority", "grpc-*", "content-type",
//     "user-agent", "te", connection headers) and minus DropMetadata, plus
//     x-forwarded-for/-host/-proto set by the trusted-proxy rules of 04's forwarded
//     package; the caller's deadline travels in the context, so grpc-timeout is
//     re-derived, never copied;
//  3. pumps frames both ways (the caller's half-close becomes CloseSend upstream) and
//     copies response headers, trailers and the final status (code, message, details)
//     back; a caller that cancels cancels the upstream call, and an upstream that ends
//     the call ends it for the caller;
//  4. reports the call's Outcome to the balancer (the gRPC code mapped to the nearest
//     HTTP status, Unavailable as 503) and ends its lease.
//
// # Targets that come and go
//
// Upstreams is a balancer.Balancer, so discovery feeds it like any balancer. A target
// that appears is dialled at once; a target that disappears gets no new calls and its
// connection closes when its last call ends.
//
// Errors the proxy makes itself never carry internal addresses, and no request metadata
// is ever sent back to the caller: response headers and trailers come from the upstream
// only.
package grpcproxy
