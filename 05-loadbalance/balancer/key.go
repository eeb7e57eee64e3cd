package balancer

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// KeyFunc extracts the key a hash policy routes by from a request. An empty key means
// "no affinity": the hash policies then spread the request at random. The KeyFuncs
// here do not allocate, except ClientIPKey with a resolver (one short string).
type KeyFunc func(r *http.Request) string

// ClientIPKey keys by the client's IP address, so each client sticks to one target
// (the course's ip_hash).
//
// clientIP returns the address the gateway believes. Behind other proxies that is a
// trusted-proxy-aware resolver such as 04-proxy's forwarded.Trust.ClientIP or
// 07-middleware's clientip.FromRequest, because X-Forwarded-For is written by clients
// too and must not be taken at face value here. An invalid address gives the empty
// key. nil means the direct peer, the host part of r.RemoteAddr.
func ClientIPKey(clientIP func(*http.Request) netip.Addr) KeyFunc {
	if clientIP == nil {
		return func(r *http.Request) string { return remoteHost(r.RemoteAddr) }
	}
	return func(r *http.Request) string {
		if ip := clientIP(r); ip.IsValid() {
			return ip.String()
		}
		return ""
	}
}

// remoteHost returns the host of a "host:port" or "[v6]:port" address, or addr itself
// when it has no port. Unlike net.SplitHostPort it never allocates an error.
func remoteHost(addr string) string {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return addr
	}
	host := addr[:i]
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		return host[1 : len(host)-1]
	}
	if strings.IndexByte(host, ':') >= 0 {
		return addr // a bare IPv6 address without a port
	}
	return host
}

// HeaderKey keys by the first value of the named request header, e.g. a user or
// tenant ID set by an authentication step.
func HeaderKey(name string) KeyFunc {
	canonical := http.CanonicalHeaderKey(name) // once here, not on every request
	return func(r *http.Request) string {
		if v := r.Header[canonical]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
}

// CookieKey keys by the value of the named cookie, e.g. a session ID (sticky sessions,
// 会话保持). It reads the Cookie header exactly as net/http's Request.Cookie does, but
// without allocating. A name that is not a valid cookie name never matches.
func CookieKey(name string) KeyFunc {
	if !isToken(name) {
		return func(*http.Request) string { return "" }
	}
	return func(r *http.Request) string { return cookieValue(r.Header["Cookie"], name) }
}

// PathKey keys by the URL path, so each resource is served by one target and that
// target's cache stays warm.
func PathKey() KeyFunc {
	return func(r *http.Request) string { return r.URL.Path }
}

// ParseKey turns a key spec from configuration into a KeyFunc: "ip", "header:NAME",
// "cookie:NAME" or "path". clientIP is passed to ClientIPKey.
func ParseKey(spec string, clientIP func(*http.Request) netip.Addr) (KeyFunc, error) {
	kind, name, hasName := strings.Cut(spec, ":")
	switch {
	case spec == "ip":
		return ClientIPKey(clientIP), nil
	case spec == "path":
		return PathKey(), nil
	case kind == "header" && hasName && isToken(name):
		return HeaderKey(name), nil
	case kind == "cookie" && hasName && isToken(name):
		return CookieKey(name), nil
	}
	return nil, fmt.Errorf("key %q: want ip, path, header:NAME or cookie:NAME with a valid NAME: %w",
		spec, ErrInvalidOptions)
}
