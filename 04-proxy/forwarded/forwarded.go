// Package forwarded decides which client address a request really came from, and which
// X-Forwarded-* headers a proxy passes on.
//
// Any client can send "X-Forwarded-For: 1.2.3.4". A gateway that believes it lets every
// caller pick the IP its allow lists and per-IP rate limits see (the course's gin-based
// gateway did exactly that, gin-gonic/gin#1684). The rule used here is the one Caddy,
// Envoy and nginx's real_ip module use: forwarding headers are believed only when the
// peer that sent them is a configured trusted proxy, and X-Forwarded-For is walked from
// the right (the hop closest to us) to the left, stopping at the first address that is
// not itself a trusted proxy.
package forwarded

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Trust is the set of proxies whose forwarding headers are believed. The zero value and a
// nil *Trust trust nobody: the client IP is always the TCP peer, and inbound X-Forwarded-*
// headers are replaced rather than extended. A Trust is immutable and safe for concurrent use.
type Trust struct {
	prefixes []netip.Prefix
}

// ParseTrust builds a Trust from CIDRs ("10.0.0.0/8", "fd00::/8") or single addresses
// ("127.0.0.1", "::1"). An entry that is neither is an error that names it.
func ParseTrust(entries ...string) (*Trust, error) {
	t := &Trust{prefixes: make([]netip.Prefix, 0, len(entries))}
	for _, e := range entries {
		p, err := ParsePrefix(e)
		if err != nil {
			return nil, err
		}
		t.prefixes = append(t.prefixes, p)
	}
	return t, nil
}

// MustParseTrust is ParseTrust for constants in tests and demos; it panics on a bad entry.
func MustParseTrust(entries ...string) *Trust {
	t, err := ParseTrust(entries...)
	if err != nil {
		panic(err)
	}
	return t
}

// ParsePrefix parses a CIDR or a single address (as a /32 or /128). IPv4-mapped IPv6
// addresses are unmapped so that "::ffff:10.0.0.1" and "10.0.0.1" mean the same host.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("parse CIDR %q: %w", s, err)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("parse address %q: %w", s, err)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Contains reports whether ip belongs to a trusted proxy.
func (t *Trust) Contains(ip netip.Addr) bool {
	if t == nil || !ip.IsValid() {
		return false
	}
	ip = ip.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// PeerIP returns the address of the TCP peer of r (r.RemoteAddr without the port), or the
// zero Addr when RemoteAddr is not an ip:port (a unix socket, a hand-made test request).
func PeerIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// RemoteAddr may be a bare IP in hand-made requests.
		a, err := netip.ParseAddr(r.RemoteAddr)
		if err != nil {
			return netip.Addr{}
		}
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// ClientIP returns the address of the client that made r. It is the TCP peer unless the
// peer is trusted; then X-Forwarded-For is walked from right to left past trusted
// proxies, and the first address that is not trusted is the client. A malformed entry
// ends the walk: the last good hop is returned, because everything left of garbage may
// have been written by the client. When every hop is trusted, the leftmost is returned.
func (t *Trust) ClientIP(r *http.Request) netip.Addr {
	peer := PeerIP(r)
	if !t.Contains(peer) {
		return peer
	}
	client := peer
	values := r.Header.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		ip, stop := t.walkValue(values[i], &client)
		if stop {
			return ip
		}
	}
	return client
}

// walkValue walks one X-Forwarded-For header line right to left, updating *last to the
// most recent trusted-or-client hop. It reports stop when the client has been found.
func (t *Trust) walkValue(v string, last *netip.Addr) (netip.Addr, bool) {
	for v != "" {
		var hop string
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			hop, v = v[i+1:], v[:i]
		} else {
			hop, v = v, ""
		}
		hop = strings.TrimSpace(hop)
		if hop == "" {
			continue
		}
		ip, ok := parseHop(hop)
		if !ok {
			return *last, true
		}
		*last = ip
		if !t.Contains(ip) {
			return ip, true
		}
	}
	return *last, false
}

// parseHop accepts "1.2.3.4", "1.2.3.4:5678", "2001:db8::1" and "[2001:db8::1]:80".
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
