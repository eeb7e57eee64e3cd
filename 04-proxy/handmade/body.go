package handmade

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"gatewaylab/04-proxy/bufpool"
)

// isStreaming reports whether each chunk of res must reach the client at once: server-sent
// events, and any body of unknown length (chunked or read to EOF), which is how long polls,
// gRPC and progress streams look. Buffering those would hold events back until the buffer
// fills; a body with a known length is copied through a buffer.
func isStreaming(res *http.Response) bool {
	if res.ContentLength == -1 {
		return true
	}
	mediaType, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	return mediaType == "text/event-stream"
}

// copyBody copies the response body, flushing after every read when flush is set. It
// returns the error of whichever side failed, and nil at the body's clean end.
func copyBody(w http.ResponseWriter, body io.Reader, flush bool) error {
	rc := http.NewResponseController(w)
	buf := bufpool.Get()
	defer bufpool.Put(buf)
	for {
		n, readErr := body.Read(*buf)
		if n > 0 {
			if _, err := w.Write((*buf)[:n]); err != nil {
				return err
			}
			if flush {
				if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
					return err
				}
			}
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

func copyHeader(dst, src http.Header) {
	for name, values := range src {
		dst[name] = append(dst[name][:0:0], values...)
	}
}

// announceTrailers lists the trailer names the upstream declared in a Trailer header, so
// that net/http sends them after the body (it only sends declared ones, or those written
// later under http.TrailerPrefix).
func announceTrailers(h http.Header, trailer http.Header) {
	if len(trailer) == 0 {
		return
	}
	names := make([]string, 0, len(trailer))
	for name := range trailer {
		names = append(names, name)
	}
	h.Add("Trailer", strings.Join(names, ", "))
}

// copyTrailers sets the trailer values, which the Transport fills in only once the body
// has been read to EOF. Values the upstream sent without declaring them first go out
// under http.TrailerPrefix.
func copyTrailers(h http.Header, trailer http.Header) {
	announced := h.Values("Trailer")
	for name, values := range trailer {
		if containsName(announced, name) {
			h[name] = values
		} else {
			h[http.TrailerPrefix+name] = values
		}
	}
}

func containsName(lists []string, name string) bool {
	for _, l := range lists {
		for n := range strings.SplitSeq(l, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(n)) == name {
				return true
			}
		}
	}
	return false
}
