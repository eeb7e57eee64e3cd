// Package ipfilter allows or denies requests by client address (IP 白名单/黑名单), with
// CIDRs for IPv4 and IPv6, using the trusted-proxy-aware address from package clientip.
//
// The course compared strings: "127.0.0.1" exactly on HTTP, HasPrefix on TCP (so
// 127.0.0.10 passed), an empty IP for every IPv6 client, and it read the address from a
// client-supplied X-Forwarded-For. Here addresses are parsed (netip), IPv4-mapped IPv6
// addresses count as IPv4, and lists hold prefixes.
package ipfilter

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/reply"
)

// Filter holds the lists. It is immutable and safe for concurrent use.
type Filter struct {
	allow, deny []netip.Prefix
}

// NewFilter parses CIDRs ("10.0.0.0/8", "2001:db8::/32") and single addresses.
func NewFilter(allow, deny []string) (*Filter, error) {
	f := &Filter{}
	var err error
	if f.allow, err = parseList(allow); err != nil {
		return nil, fmt.Errorf("ipfilter: Allow: %w", err)
	}
	if f.deny, err = parseList(deny); err != nil {
		return nil, fmt.Errorf("ipfilter: Deny: %w", err)
	}
	return f, nil
}

func parseList(entries []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(entries))
	for _, e := range entries {
		p, err := forwarded.ParsePrefix(e)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Allowed reports whether ip may pass: never when a Deny entry contains it; otherwise
// always when Allow is empty, and only when an Allow entry contains it if not. An
// unknown (zero) address matches no entry, so it passes only when Allow is empty.
func (f *Filter) Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if contains(f.deny, ip) {
		return false
	}
	return len(f.allow) == 0 || contains(f.allow, ip)
}

// contains is a linear scan: fine for the tens of entries access lists have. A list of
// thousands would want a prefix trie.
func contains(list []netip.Prefix, ip netip.Addr) bool {
	for _, p := range list {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Config configures the middleware.
type Config struct {
	// Allow, if not empty, is the only addresses admitted.
	Allow []string
	// Deny is refused even if also in Allow.
	Deny []string
}

type middleware struct {
	next   http.Handler
	filter *Filter
}

// New returns a middleware answering 403 to clients the lists refuse. Put clientip's
// middleware before it when the gateway sits behind trusted proxies.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if len(cfg.Allow) == 0 && len(cfg.Deny) == 0 {
		return nil, errors.New("ipfilter: Allow or Deny is required")
	}
	f, err := NewFilter(cfg.Allow, cfg.Deny)
	if err != nil {
		return nil, err
	}
	return &middleware{next: next, filter: f}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !m.filter.Allowed(clientip.FromRequest(r)) {
		reply.Error(w, http.StatusForbidden, "forbidden")
		return
	}
	m.next.ServeHTTP(w, r)
}
