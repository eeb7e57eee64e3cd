package grpcproxy

import (
	"strings"

	"google.golang.org/grpc/metadata"
)

// connectionKeys are metadata keys that describe one HTTP/2 hop, not the call: each hop
// sets its own. gRPC-Go already keeps most of them out of the metadata it hands a
// handler, but not all (content-type, user-agent and :authority arrive), and a proxy
// must not rely on that.
var connectionKeys = map[string]bool{
	"content-type":      true, // the proxy sends the caller's subtype itself (forwardOptions)
	"user-agent":        true, // each hop names itself; gRPC-Go cannot set it per call
	"te":                true, // "trailers", per hop (RFC 9113 section 8.2.2)
	"host":              true,
	"connection":        true, // hop-by-hop headers (RFC 9110 section 7.6.1); illegal in HTTP/2
	"keep-alive":        true,
	"proxy-connection":  true,
	"transfer-encoding": true,
	"upgrade":           true,
}

// hopLocal reports whether key belongs to one hop and must not be forwarded: pseudo
// headers (":authority"), the connection keys above, and every "grpc-" key, which the
// gRPC protocol reserves for itself (grpc-timeout is re-derived from the deadline,
// grpc-encoding and grpc-accept-encoding are negotiated per hop, grpc-status and its
// friends are written by the server that ends the call).
func hopLocal(key string) bool {
	return strings.HasPrefix(key, ":") || strings.HasPrefix(key, "grpc-") || connectionKeys[key]
}

// filterMD returns a copy of md without hop-local keys and without the keys in drop.
// The input is never modified: gRPC-Go hands handlers the metadata map it keeps for the
// call, and changing it in place (as the course's interceptors did) is a data race.
func filterMD(md metadata.MD, drop map[string]bool) metadata.MD {
	out := make(metadata.MD, len(md))
	for k, v := range md {
		if hopLocal(k) || drop[k] {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// contentSubtype returns the codec name in the caller's content-type
// ("application/grpc+json" gives "json"), or "proto" when it names none, which is what
// "application/grpc" means.
func contentSubtype(md metadata.MD) string {
	for _, ct := range md.Get("content-type") {
		rest, ok := strings.CutPrefix(strings.ToLower(ct), "application/grpc+")
		if !ok {
			continue
		}
		if sub, _, _ := strings.Cut(rest, ";"); strings.TrimSpace(sub) != "" {
			return strings.TrimSpace(sub)
		}
	}
	return "proto"
}

// lowerKeys returns keys lower-cased, as metadata keys are, for a drop set.
func lowerKeys(keys []string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[strings.ToLower(k)] = true
	}
	return set
}
