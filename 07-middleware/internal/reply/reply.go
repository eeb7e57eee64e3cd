// Package reply writes the gateway's own short error responses: a status code, a one-line
// plain-text reason and, where the client may try again, Retry-After. Rejections always
// carry a real status code (429, 503, 401, 403...), never the course's "200 with an
// error message in the body", so clients, retries and monitoring see what happened.
package reply

import (
	"net/http"
	"strconv"
	"time"
)

// Error writes status with msg as a plain-text body. The body never carries internal
// details (panic text, upstream addresses): those go to the log.
func Error(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n")) // a client that hung up cannot be told anything
}

// RetryAfter sets Retry-After to d in whole seconds, rounded up and at least 1: the
// header has one-second resolution (RFC 9110 section 10.2.3) and "0" would invite an
// immediate retry that fails again.
func RetryAfter(h http.Header, d time.Duration) {
	h.Set("Retry-After", strconv.FormatInt(Seconds(d), 10))
}

// Seconds rounds d up to whole seconds, with a minimum of 1.
func Seconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Headers that mark a degraded answer (降级), so clients, logs and tests can tell it from
// a real one.
const (
	// DegradedHeader says why the real answer was not served: "circuit-open",
	// "max-concurrency", "timeout", "upstream-failure", "upstream-503", "shed".
	DegradedHeader = "X-Gateway-Degraded"
	// FallbackHeader says what answered instead: "static", "cache" or "service".
	FallbackHeader = "X-Gateway-Fallback"
)
