// Package grpchttp carries gRPC over the HTTP reverse-proxy path, so that one port
// serves REST and gRPC alike (the way Traefik, Caddy and Envoy do it).
//
// gRPC is HTTP/2 with a content type of application/grpc, messages in the body and the
// status in trailers. Stage 04's reverse proxy already speaks HTTP/2 on both sides
// (TLS with ALPN "h2" to clients, cleartext h2c with prior knowledge to upstreams),
// keeps "TE: trailers", copies trailers, and flushes bodies of unknown length at once,
// which is exactly what streaming calls need. What it takes to put gRPC on that path:
//
//   - a server that accepts HTTP/2 in both forms, h2 over TLS and h2c in cleartext,
//     next to HTTP/1.1 (NewServer);
//   - an upstream transport that speaks h2c (reverseproxy.H2C), since gRPC servers do
//     not speak HTTP/1.1;
//   - a way to send gRPC and REST requests to different handlers (Split).
//
// This path balances per request like any HTTP route and needs no codec, but sees
// calls only as HTTP: the transparent proxy in package grpcproxy is the one that
// understands calls (per-call outcomes, status codes, cancellation both ways).
package grpchttp

import (
	"net/http"
	"strings"
	"time"
)

// IsGRPC reports whether r is a gRPC call: HTTP/2 with an application/grpc content
// type (application/grpc+proto, +json, ... included). gRPC-Web is not gRPC here: it is
// HTTP/1.1-compatible and needs translating, not proxying.
func IsGRPC(r *http.Request) bool {
	if r.ProtoMajor != 2 {
		return false
	}
	ct := r.Header.Get("Content-Type")
	rest, ok := strings.CutPrefix(ct, "application/grpc")
	if !ok {
		return false
	}
	return rest == "" || rest[0] == '+' || rest[0] == ';'
}

// Split sends gRPC calls to grpc and every other request to other.
func Split(grpc, other http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsGRPC(r) {
			grpc.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

// NewServer returns an http.Server for h that speaks HTTP/1.1, HTTP/2 over TLS (when
// served with TLS) and h2c, the cleartext HTTP/2 gRPC clients use without TLS. h2c is
// accepted with prior knowledge only: the "Upgrade: h2c" dance is refused, because it
// smuggles requests past proxies (Traefik GHSA-w4v4-9rw7-5326).
//
// It has the gateway's safe limits on headers and idle connections, and deliberately
// no ReadTimeout or WriteTimeout: those bound a whole request, and a streaming call may
// rightly last for hours. Bound calls with deadlines (gRPC carries them) instead.
func NewServer(addr string, h http.Handler) *http.Server {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
	}
}
