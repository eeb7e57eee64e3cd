// Package clientip resolves the client address of a request once, with the
// trusted-proxy rules of gatewaylab/04-proxy/forwarded, and stores it in the request
// context for every middleware after it: the IP filter, per-IP rate limits, the app
// allow lists and the access log all see the same address.
//
// The course's gateway asked gin for c.ClientIP(), which believed the first
// X-Forwarded-For entry from anyone: a client could pick the IP its allow list and rate
// limit saw, and mint a fresh limiter per request by sending a random one. Here forwarding
// headers count only when the TCP peer is a configured trusted proxy, and X-Forwarded-For
// is walked from the right.
package clientip

import (
	"context"
	"net/http"
	"net/netip"

	"gatewaylab/04-proxy/forwarded"
)

// Config configures the resolver middleware.
type Config struct {
	// Trust lists the proxies whose X-Forwarded-For is believed. Nil trusts nobody: the
	// client IP is always the TCP peer, which is the safe default for an edge gateway.
	Trust *forwarded.Trust
}

type resolver struct {
	next  http.Handler
	trust *forwarded.Trust
}

// New returns a middleware that resolves the client IP of each request and stores it
// for From. It never fails; the error is there for the uniform middleware signature.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	return &resolver{next: next, trust: cfg.Trust}, nil
}

func (h *resolver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ip := h.trust.ClientIP(r)
	h.next.ServeHTTP(w, r.WithContext(WithAddr(r.Context(), ip)))
}

type ctxKey struct{}

// WithAddr returns a context carrying ip as the client address. The gRPC interceptors use
// it to share the same lookup helpers as HTTP.
func WithAddr(ctx context.Context, ip netip.Addr) context.Context {
	return context.WithValue(ctx, ctxKey{}, ip)
}

// From returns the client address stored by the middleware (or WithAddr), and false when
// there is none.
func From(ctx context.Context) (netip.Addr, bool) {
	ip, ok := ctx.Value(ctxKey{}).(netip.Addr)
	return ip, ok
}

// FromRequest returns the resolved client address of r, falling back to the TCP peer
// when the resolver middleware did not run: forwarding headers are never believed by
// accident. The result is the zero Addr when RemoteAddr is not an ip:port.
func FromRequest(r *http.Request) netip.Addr {
	if ip, ok := From(r.Context()); ok {
		return ip
	}
	return forwarded.PeerIP(r)
}
