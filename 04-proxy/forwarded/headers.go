package forwarded

import (
	"net/http"
	"strings"
)

// The forwarding headers a proxy sets for its upstream. Forwarded (RFC 7239) is only ever
// removed: it carries the same facts in a form few upstreams read, and passing a client's
// copy through would let it contradict the X-Forwarded-* values set here.
const (
	HeaderXFF   = "X-Forwarded-For"
	HeaderHost  = "X-Forwarded-Host"
	HeaderProto = "X-Forwarded-Proto"
	HeaderRFC   = "Forwarded"
)

// SetHeaders writes X-Forwarded-For, -Host and -Proto on out, the request a proxy is about
// to send upstream on behalf of in. When in's peer is trusted, the values it sent are kept
// and extended (XFF gets the peer appended, Host and Proto are kept if present); otherwise
// whatever the client sent is discarded and replaced by what this proxy saw itself.
//
// out.Header must not share maps with in.Header (clone it first, as ReverseProxy does).
func (t *Trust) SetHeaders(out, in *http.Request) {
	peer := PeerIP(in)
	trusted := t.Contains(peer)
	out.Header.Del(HeaderRFC)

	var prior []string
	if trusted {
		prior = in.Header.Values(HeaderXFF)
	}
	switch {
	case !peer.IsValid():
		out.Header.Del(HeaderXFF)
	case len(prior) > 0:
		out.Header.Set(HeaderXFF, strings.Join(prior, ", ")+", "+peer.String())
	default:
		out.Header.Set(HeaderXFF, peer.String())
	}

	if host := in.Header.Get(HeaderHost); trusted && host != "" {
		out.Header.Set(HeaderHost, host)
	} else {
		out.Header.Set(HeaderHost, in.Host)
	}
	if proto := in.Header.Get(HeaderProto); trusted && (proto == "http" || proto == "https") {
		out.Header.Set(HeaderProto, proto)
	} else {
		out.Header.Set(HeaderProto, Scheme(in))
	}
}

// Scheme is "https" when in arrived over TLS and "http" otherwise.
func Scheme(in *http.Request) string {
	if in.TLS != nil {
		return "https"
	}
	return "http"
}
