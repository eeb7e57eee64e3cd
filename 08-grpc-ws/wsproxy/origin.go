package wsproxy

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// originPolicy decides which web pages may open a WebSocket through the proxy.
//
// Browsers attach cookies to a WebSocket handshake whatever page starts it, and the
// same-origin policy does not apply to WebSockets: without an Origin check any site a
// user visits can talk to the backend as that user (cross-site WebSocket hijacking).
// The course's server disabled the check ("去掉同域检查"). Non-browser clients send no
// Origin and are not affected; the check is about browsers.
type originPolicy struct {
	any     bool
	allowed map[string]bool // "scheme://host[:port]", lower case
}

// newOriginPolicy builds the policy for AllowedOrigins: empty means same host only,
// "*" means any origin, otherwise each entry is an origin such as
// "https://app.example.com" or "http://localhost:3000".
func newOriginPolicy(origins []string) (originPolicy, error) {
	p := originPolicy{allowed: map[string]bool{}}
	for _, o := range origins {
		if o == "*" {
			p.any = true
			continue
		}
		norm, err := normalizeOrigin(o)
		if err != nil {
			return originPolicy{}, fmt.Errorf("allowed origin %q: %w", o, err)
		}
		p.allowed[norm] = true
	}
	return p, nil
}

// normalizeOrigin returns "scheme://host" in lower case, or an error when s is not an
// origin (a scheme and a host, nothing else).
func normalizeOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("want scheme://host[:port] with http or https")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("an origin has no user, path, query or fragment")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// allows reports whether r's Origin may connect.
func (p originPolicy) allows(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || p.any {
		return true
	}
	norm, err := normalizeOrigin(origin)
	if err != nil {
		return false // "null" (sandboxed pages, file://) and garbage are refused
	}
	if len(p.allowed) == 0 {
		host := norm[strings.Index(norm, "://")+3:]
		return strings.EqualFold(host, r.Host)
	}
	return p.allowed[norm]
}
