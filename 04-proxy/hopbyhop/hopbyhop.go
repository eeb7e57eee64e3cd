// Package hopbyhop removes the headers that describe one connection rather than the
// message (RFC 9110 section 7.6.1). A proxy terminates the client's connection and opens
// its own to the upstream, so these headers must not travel from one to the other:
// forwarding "Connection: close" would close the proxy's pooled upstream connection,
// forwarding "Transfer-Encoding" would describe a framing the proxy does not use, and a
// client could name any header in Connection to have a proxy strip it (an auth header,
// say) before the upstream sees it — which is why the named headers go first, before the
// fixed list, and why a gateway must run its auth checks before this step.
package hopbyhop

import (
	"net/http"
	"net/textproto"
	"strings"
)

// Headers is the fixed list of hop-by-hop headers, in canonical form. "Proxy-Connection"
// is not standard but libcurl and old browsers still send it.
var Headers = []string{
	"Connection",
	"Proxy-Connection",
	"Keep-Alive",
	"Proxy-Authenticate",
	"Proxy-Authorization",
	"Te",
	"Trailer", // the header is "Trailer", not "Trailers" (RFC 9110 erratum 4522)
	"Transfer-Encoding",
	"Upgrade",
}

// Remove deletes the headers that h's Connection header names, then the fixed list.
func Remove(h http.Header) {
	for _, v := range h["Connection"] {
		for token := range strings.SplitSeq(v, ",") {
			if token = textproto.TrimString(token); token != "" {
				h.Del(token)
			}
		}
	}
	for _, name := range Headers {
		h.Del(name)
	}
}

// RemoveFromRequest is Remove for a request a proxy forwards. It keeps "TE: trailers",
// the one TE value that says something about the message: the client (a gRPC client, for
// one) will accept trailer fields, which the upstream needs to know before it sends them.
func RemoveFromRequest(h http.Header) {
	acceptsTrailers := ContainsToken(h["Te"], "trailers")
	Remove(h)
	if acceptsTrailers {
		h.Set("Te", "trailers")
	}
}

// UpgradeType returns the protocol a request or response asks to switch to ("websocket"),
// or "" when its Connection header does not contain the "upgrade" token.
func UpgradeType(h http.Header) string {
	if !ContainsToken(h["Connection"], "upgrade") {
		return ""
	}
	return h.Get("Upgrade")
}

// ContainsToken reports whether any of the comma-separated values contains token, compared
// case-insensitively as RFC 9110 requires for connection options.
func ContainsToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(t), token) {
				return true
			}
		}
	}
	return false
}
