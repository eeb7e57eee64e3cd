package grpcproxy

import (
	"context"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"strings"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"gatewaylab/04-proxy/forwarded"
)

// The forwarding keys, in metadata's lower case.
var (
	keyXFF   = strings.ToLower(forwarded.HeaderXFF)
	keyHost  = strings.ToLower(forwarded.HeaderHost)
	keyProto = strings.ToLower(forwarded.HeaderProto)
	keyRFC   = strings.ToLower(forwarded.HeaderRFC)
)

// ClientIP returns the address of the client that made the call in ctx: the TCP peer,
// unless trust contains the peer, in which case x-forwarded-for is walked exactly as
// package forwarded walks X-Forwarded-For for HTTP. A nil trust believes nobody.
// It returns the zero Addr when the peer is unknown (an in-process connection).
func ClientIP(ctx context.Context, trust *forwarded.Trust) netip.Addr {
	return trust.ClientIP(HTTPRequest(ctx, ""))
}

// HTTPRequest returns the gRPC call in ctx as the HTTP/2 request it is: the metadata
// as headers (pseudo-headers excluded; "-bin" values decoded), :authority as Host,
// the TCP peer as RemoteAddr, the TLS state, method as the URL path, and ctx as its
// context. Code written for HTTP requests, such as package forwarded's trust rules and
// stage 07's rate-limit keys and flow-count names, then applies to gRPC calls
// unchanged, so those rules are written once. The request is for reading only: it has
// no body and its header values are shared with the call's metadata.
func HTTPRequest(ctx context.Context, method string) *http.Request {
	md, _ := metadata.FromIncomingContext(ctx)
	r := &http.Request{
		Method: http.MethodPost, URL: &url.URL{Path: method},
		Proto: "HTTP/2.0", ProtoMajor: 2,
		Header: make(http.Header, len(md)),
	}
	for k, v := range md {
		if !strings.HasPrefix(k, ":") {
			r.Header[textproto.CanonicalMIMEHeaderKey(k)] = v
		}
	}
	if v := md.Get(":authority"); len(v) > 0 {
		r.Host = v[0]
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		r.RemoteAddr = p.Addr.String()
		if info, ok := p.AuthInfo.(credentials.TLSInfo); ok {
			r.TLS = &info.State
		}
	}
	return r.WithContext(ctx)
}

// setForwarded writes x-forwarded-for, -host and -proto into out for the upstream, by
// the rules of forwarded.Trust.SetHeaders: a trusted peer's values are extended, anyone
// else's are replaced by what the proxy saw itself. A caller's "forwarded" is dropped.
func setForwarded(ctx context.Context, out metadata.MD, trust *forwarded.Trust) {
	inReq := HTTPRequest(ctx, "")
	outReq := &http.Request{Header: http.Header{}}
	trust.SetHeaders(outReq, inReq)
	delete(out, keyRFC)
	for key, name := range map[string]string{
		keyXFF: forwarded.HeaderXFF, keyHost: forwarded.HeaderHost, keyProto: forwarded.HeaderProto,
	} {
		if v := outReq.Header.Get(name); v != "" {
			out[key] = []string{v}
		} else {
			delete(out, key)
		}
	}
}
