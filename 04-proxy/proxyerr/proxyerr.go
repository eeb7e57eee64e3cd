// Package proxyerr turns the errors a proxy meets on its way to an upstream into the
// status codes a client should see. Errors travel wrapped, as values, through the proxy;
// only at the edge, in one place, does one become a status code. The course's proxies
// answered every upstream failure with an empty 200 — the worst possible answer, because
// caches store it and clients believe it.
package proxyerr

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
)

// ErrNoUpstream means no upstream could be chosen (none configured, or none healthy).
// It maps to 503 Service Unavailable: the gateway is fine, the service is not there.
var ErrNoUpstream = errors.New("no upstream available")

// ErrClientBody means reading the client's request body failed: it was malformed (bad
// chunked encoding), cut short, or too slow for the listener's read timeout. The client
// gets 400, or 408 for the timeout; the upstream, which did nothing wrong, is not blamed.
var ErrClientBody = errors.New("reading the request body failed")

// StatusClientClosedRequest is nginx's non-standard 499: the client went away before the
// answer was ready. Nothing is sent (there is nobody to send it to); it exists for logs
// and metrics, so that clients giving up are not counted as upstream failures.
const StatusClientClosedRequest = 499

// Status maps err to the status a client should get, and a short reason safe to show it.
// The reason never contains addresses or error text: those are for logs, not clients.
func Status(err error) (code int, reason string) {
	var maxBytes *http.MaxBytesError
	var netErr net.Error
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, ErrNoUpstream):
		return http.StatusServiceUnavailable, "no upstream available"
	case errors.Is(err, context.Canceled):
		return StatusClientClosedRequest, "client closed request"
	case errors.As(err, &maxBytes):
		return http.StatusRequestEntityTooLarge, "request body too large"
	case errors.Is(err, ErrClientBody) && errors.As(err, &netErr) && netErr.Timeout():
		return http.StatusRequestTimeout, "request body too slow"
	case errors.Is(err, ErrClientBody):
		return http.StatusBadRequest, "malformed request body"
	case errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return http.StatusGatewayTimeout, "upstream timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return http.StatusBadGateway, "upstream refused the connection"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return http.StatusBadGateway, "upstream closed the connection"
	default:
		return http.StatusBadGateway, "upstream error"
	}
}

// Write answers the client for err and returns the status it chose. For a client that
// has gone (499) it writes nothing.
func Write(w http.ResponseWriter, err error) int {
	code, reason := Status(err)
	if code == StatusClientClosedRequest {
		return code
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, http.StatusText(code)+": "+reason+"\n") // the client may be gone; nothing to do
	return code
}
