// Package respwriter holds the http.ResponseWriter wrapper the fallback, breaker and
// body-limit middlewares share: an Interceptor that holds the status back until it
// knows whether to let the response through or replace it. Middlewares that only need
// to know what was answered use stage 04's statuswriter.Recorder.
package respwriter

import (
	"maps"
	"net/http"
)

// Interceptor keeps a handler's response away from the client until the handler writes
// its status. At that moment Intercept decides: false commits the held headers and the
// status to the real writer and everything after passes straight through (no buffering,
// streaming still works); true swallows the status, the headers and every later body
// byte, leaving the real writer untouched so the caller can write a different response.
//
// It deliberately has no Unwrap method: a handler that reached the real writer through
// http.ResponseController could write around the decision.
type Interceptor struct {
	w         http.ResponseWriter
	header    http.Header
	intercept func(status int) bool

	status      int
	intercepted bool
}

// NewInterceptor wraps w. intercept is called once, with the handler's final status.
func NewInterceptor(w http.ResponseWriter, intercept func(status int) bool) *Interceptor {
	return &Interceptor{w: w, header: make(http.Header), intercept: intercept}
}

// Header returns the held headers; they reach the client only if the response is let through.
func (i *Interceptor) Header() http.Header { return i.header }

// WriteHeader makes the decision on the first final status. 1xx codes are dropped: an
// interim response cannot be taken back once sent.
func (i *Interceptor) WriteHeader(code int) {
	if i.status != 0 || code < 200 {
		return
	}
	i.status = code
	if i.intercept(code) {
		i.intercepted = true
		return
	}
	dst := i.w.Header()
	maps.Copy(dst, i.header)
	i.header = dst // later Header() edits go straight to the real map, as net/http allows for trailers
	i.w.WriteHeader(code)
}

// Write writes an implicit 200 first, then passes p on or drops it when intercepted.
func (i *Interceptor) Write(p []byte) (int, error) {
	if i.status == 0 {
		i.WriteHeader(http.StatusOK)
	}
	if i.intercepted {
		return len(p), nil // pretend success: the handler's bytes are knowingly discarded
	}
	return i.w.Write(p)
}

// Flush commits the status (200 if none) and flushes the real writer unless intercepted.
func (i *Interceptor) Flush() {
	if i.status == 0 {
		i.WriteHeader(http.StatusOK)
	}
	if !i.intercepted {
		_ = http.NewResponseController(i.w).Flush() // an unflushable writer is not an error here
	}
}

// Intercepted reports whether the response was swallowed. A handler that wrote nothing
// at all is neither intercepted nor committed: see Committed.
func (i *Interceptor) Intercepted() bool { return i.intercepted }

// Committed reports whether the response went to the real writer.
func (i *Interceptor) Committed() bool { return i.status != 0 && !i.intercepted }

// Status is the handler's final status, or 0 if it wrote nothing.
func (i *Interceptor) Status() int { return i.status }

// Finish settles a handler that returned without writing anything: net/http would send
// an empty 200, so the decision is made for 200.
func (i *Interceptor) Finish() {
	if i.status == 0 {
		i.WriteHeader(http.StatusOK)
	}
}
