package ratelimit

import (
	"net/http"
	"net/netip"
	"strings"

	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/identity"
)

// KeyFunc picks the bucket a request counts against. ok false means the limit does not
// apply to this request (for example ByApp on an anonymous request).
type KeyFunc func(r *http.Request) (key string, ok bool)

// ByConstant puts every request in one bucket: a limit for the whole service or route
// (the course's service_flow_limit).
func ByConstant(name string) KeyFunc {
	return func(*http.Request) (string, bool) { return name, true }
}

// ByClientIP gives each client address its own bucket (clientip_flow_limit), using the
// trusted-proxy-aware address from package clientip. IPv4 addresses are used whole;
// IPv6 addresses are cut to their /64, because one host usually owns a whole /64 and
// could otherwise rotate through 2^64 fresh buckets.
func ByClientIP() KeyFunc {
	return ByClientNet(32, 64)
}

// ByClientNet keys on the client's network: the address masked to v4Bits or v6Bits.
// Requests whose address is unknown share one "unknown" bucket.
func ByClientNet(v4Bits, v6Bits int) KeyFunc {
	return func(r *http.Request) (string, bool) {
		ip := clientip.FromRequest(r)
		if !ip.IsValid() {
			return "unknown", true
		}
		bits := v6Bits
		if ip.Is4() {
			bits = v4Bits
		}
		p, err := ip.Prefix(bits)
		if err != nil {
			return ip.String(), true
		}
		return prefixKey(p), true
	}
}

func prefixKey(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// ByApp gives each authenticated app (tenant) its own bucket. Anonymous requests are
// not limited by it; put an authentication middleware before the limiter.
func ByApp() KeyFunc {
	return func(r *http.Request) (string, bool) {
		id, ok := identity.From(r.Context())
		if !ok || id.App == "" {
			return "", false
		}
		return id.App, true
	}
}

// MaxHeaderKey bounds the part of a header value used as a key.
const MaxHeaderKey = 256

// ByHeader keys on the value of header name (a tenant or API-key header set by a trusted
// component). Requests without the header are not limited by it.
func ByHeader(name string) KeyFunc {
	return func(r *http.Request) (string, bool) {
		v := r.Header.Get(name)
		if v == "" {
			return "", false
		}
		return v[:min(len(v), MaxHeaderKey)], true
	}
}

// Compose joins several keys into one ("app|ip": each app's clients limited separately).
// The limit applies only when every part applies.
func Compose(keys ...KeyFunc) KeyFunc {
	return func(r *http.Request) (string, bool) {
		parts := make([]string, len(keys))
		for i, k := range keys {
			v, ok := k(r)
			if !ok {
				return "", false
			}
			parts[i] = v
		}
		return strings.Join(parts, "|"), true
	}
}
