package gateway

import (
	"net/http"
	"net/textproto"
	"strings"
)

// edge is what every HTTP listener does first, before any middleware sees the request.
func edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// RFC 9112 section 6.1: a request with Transfer-Encoding may also have carried a
		// Content-Length (net/http removes it before handlers run), and then the server
		// MUST close the connection after responding, so that bytes a proxy in front
		// counted differently are never read here as a next request.
		if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
		}
		dropConnectionOptions(r.Header)
		next.ServeHTTP(w, r)
	})
}

// dropConnectionOptions applies RFC 9110 section 7.6.1 on arrival: the headers the
// client names in Connection are for this hop only, so they go now, and Connection
// keeps only the options the gateway acts on (close, keep-alive, and upgrade, which the
// proxy needs for WebSocket). Left for the proxy, the removal would happen on the way
// out, after middleware had set those headers: a client could strip the identity, the
// request id or a route's request_headers (golang/go#50580).
func dropConnectionOptions(h http.Header) {
	values := h.Values("Connection")
	if len(values) == 0 {
		return
	}
	var keep []string
	for _, v := range values {
		for _, opt := range strings.Split(v, ",") {
			opt = textproto.TrimString(opt)
			switch {
			case opt == "":
			case strings.EqualFold(opt, "close"), strings.EqualFold(opt, "keep-alive"), strings.EqualFold(opt, "upgrade"):
				keep = append(keep, opt)
			default:
				h.Del(opt)
			}
		}
	}
	if len(keep) == 0 {
		h.Del("Connection")
		return
	}
	h["Connection"] = []string{strings.Join(keep, ", ")}
}
