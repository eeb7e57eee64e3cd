// Package respwriter holds the http.ResponseWriter wrappers the middlewares share: a
// Recorder that notes the status and size of a response as it streams through, and an
// Interceptor that holds the status back until it knows whether to let the response
// through or replace it (the fallback and body-limit middlewares).
package respwriter

import (
	"net/http"
)

// Recorder passes every write straight through and remembers the status code and the
// number of body bytes. It never buffers, so streaming responses (SSE, gRPC-Web, long
// downloads) behave exactly as without it.
type Recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// NewRecorder wraps w.
func NewRecorder(w http.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w}
}

// WriteHeader records the first status code and passes it on. Informational 1xx codes
// (103 Early Hints) are passed on but not recorded: they are not the final status.
func (r *Recorder) WriteHeader(code int) {
	if r.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 like net/http does, counts the bytes and passes them on.
func (r *Recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Flush passes a flush on when the underlying writer supports it; streaming handlers
// behind a Recorder must still reach the client promptly.
func (r *Recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush() // an unflushable writer is not an error here
}

// Unwrap lets http.ResponseController reach the connection (Hijack, deadlines).
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Status is the final status written so far: 0 when nothing has been written yet.
func (r *Recorder) Status() int { return r.status }

// Bytes is the number of body bytes written so far.
func (r *Recorder) Bytes() int64 { return r.bytes }

// Written reports whether the status line has been committed.
func (r *Recorder) Written() bool { return r.status != 0 }
