// Package fallback is degradation (降级): when a route's upstream fails or its circuit
// is open, answer with something useful instead of an error. Three kinds of answer:
//
//   - Static: a fixed response ("recommendations are unavailable, here is the default list");
//   - Cache: the last good response for the same URL, kept in a bounded LRU;
//   - any http.Handler: another service (a reverse proxy to a backup), for example.
//
// New wraps a route: the upstream's answer streams through unchanged unless its status
// is a failure, in which case it is held back and the fallback answers. The upstream's
// failure and the fallback's answer are marked with X-Gateway-Degraded and
// X-Gateway-Fallback. Wrapped around a breaker (fallback.New(breaker.New(proxy))), the
// breaker's "circuit open" 503 is replaced the same way.
package fallback

import (
	"maps"
	"net/http"
	"strconv"

	"gatewaylab/07-middleware/internal/reply"
)

// Static is a fixed response. The zero Status means 200.
type Static struct {
	Status int
	Header http.Header
	Body   []byte
}

// ServeHTTP writes the fixed response.
func (s Static) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	maps.Copy(h, s.Header)
	h.Set(reply.FallbackHeader, "static")
	h.Set("Content-Length", strconv.Itoa(len(s.Body)))
	status := s.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(s.Body) // a client that hung up cannot be told anything
}

// Service marks next, typically a reverse proxy to a backup service, as a fallback
// answer (X-Gateway-Fallback: service) and runs it.
func Service(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(reply.FallbackHeader, "service")
		next.ServeHTTP(w, r)
	})
}
