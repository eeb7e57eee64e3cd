// Package statuswriter tells a middleware what a handler answered: the final status
// code, the number of body bytes and whether the connection was taken over, while every
// write, flush and hijack passes straight through.
//
// A gateway asks that question in many places: metrics, access logs, balancer feedback,
// circuit breakers, panic recovery. One Recorder keeps their answers consistent: a 1xx
// (103 Early Hints) is not the final status, a first Write is an implicit 200 as in
// net/http, a Flush commits the status too, and a hijacked connection (a WebSocket or a
// CONNECT tunnel) is reported as such rather than as "nothing written".
package statuswriter

import (
	"bufio"
	"net"
	"net/http"
)

// Recorder passes every write straight through and remembers the status code and the
// number of body bytes. It never buffers, so streaming responses (SSE, gRPC-Web, long
// downloads) behave exactly as without it. It is not safe for concurrent writes, like
// the http.ResponseWriter it wraps.
type Recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

// New wraps w.
func New(w http.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w}
}

// WriteHeader records the first final status code and passes every code on.
// Informational codes (103 Early Hints) are passed on but not recorded; 101 Switching
// Protocols is final for HTTP.
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

// Flush commits the status (an implicit 200, as net/http does) and passes the flush on
// when the underlying writer supports it: a streaming handler behind a Recorder must
// still reach the client promptly.
func (r *Recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush() // an unflushable writer is not an error here
}

// Hijack hands the connection over (http.ResponseController finds it through Unwrap as
// well; this method exists so the hand-over is recorded). It fails, as net/http's does,
// when the underlying writer cannot be hijacked (HTTP/2).
func (r *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return c, brw, err
}

// Unwrap lets http.ResponseController reach the real writer (deadlines, full duplex).
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Status is the final status written so far: 0 when nothing has been written yet (or
// when the connection was hijacked before anything was written; see Hijacked).
func (r *Recorder) Status() int { return r.status }

// Bytes is the number of body bytes written so far through Write.
func (r *Recorder) Bytes() int64 { return r.bytes }

// Written reports whether the response is committed: a status was written or the
// connection was taken over. After that nobody may write an error response.
func (r *Recorder) Written() bool { return r.status != 0 || r.hijacked }

// Hijacked reports whether the handler took the connection over: the proxy tunnelled a
// WebSocket (its 101 went to the client on the raw connection) or a CONNECT request.
func (r *Recorder) Hijacked() bool { return r.hijacked }
