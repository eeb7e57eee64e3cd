package leanserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/04-proxy/internal/httplex"
)

// Connection states, for Shutdown: only an idle connection may be closed under a
// client's feet, and a connection leaves idle by a compare-and-swap, so a request that
// has just arrived is never cut.
const (
	stateIdle int32 = iota
	stateActive
	stateClosed
)

// maxDiscard is how much of an unread request body the server reads and throws away
// to keep the connection; beyond it the connection is closed (net/http's figure).
const maxDiscard = 256 << 10

// lingerTimeout bounds how long a closing connection reads what the client still
// sends, so that the close does not reset the connection (net/http waits 500 ms).
const lingerTimeout = 500 * time.Millisecond

// discardTimeout bounds reading an unread body's remainder after the response.
const discardTimeout = 5 * time.Second

// h2Preface opens every HTTP/2 connection (RFC 9113 section 3.4).
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

var aLongTimeAgo = time.Unix(1, 0)

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

// conn is one client connection. Its goroutine owns every field except those under
// mu, which the watch (a timer's goroutine) shares.
type conn struct {
	srv        *Server
	nc         net.Conn
	remoteAddr string
	state      atomic.Int32
	cr         connReader
	br         *bufio.Reader
	bw         *bufio.Writer
	deadline   bool // a read deadline is set and must be cleared if none is wanted
	hijacked   bool
	handedOver bool
	headerKeys []string // scratch for sorting response header names

	mu         sync.Mutex
	watchDone  sync.Cond // signalled when a watch ends
	watchTimer *time.Timer
	reqActive  bool
	watching   bool
	watched    bool // a watch ran during this request: the read deadline must be set anew
	stopping   bool // the serve loop is ending a watch on purpose
	body       *serverBody
	cancelReq  context.CancelFunc
	clientGone bool
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{srv: s, nc: nc, remoteAddr: nc.RemoteAddr().String()}
	c.cr.nc, c.cr.limit = nc, -1
	c.watchDone.L = &c.mu
	c.state.Store(stateIdle)
	return c
}

// connReader is what the connection's bufio.Reader reads from: the socket, bounded
// while a head is read, and preceded by the byte a watch may have read.
type connReader struct {
	nc       net.Conn
	limit    int64 // bytes left before the head limit; < 0: no limit
	hitLimit bool
	hasByte  bool
	byteBuf  [1]byte
}

func (cr *connReader) Read(p []byte) (int, error) {
	if cr.limit == 0 {
		cr.hitLimit = true
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if cr.limit > 0 && int64(len(p)) > cr.limit {
		p = p[:cr.limit]
	}
	var n int
	var err error
	if cr.hasByte {
		p[0], cr.hasByte, n = cr.byteBuf[0], false, 1
	} else {
		n, err = cr.nc.Read(p)
	}
	if cr.limit > 0 {
		cr.limit -= int64(n)
	}
	return n, err
}

// acquireBuffers takes the connection's reader and writer buffers from their pools.
func (c *conn) acquireBuffers() {
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(&c.cr)
	c.bw = writerPool.Get().(*bufio.Writer)
	c.bw.Reset(c.nc)
}

// releaseBuffers gives them back; the reader must be empty and the writer flushed.
func (c *conn) releaseBuffers() {
	c.br.Reset(nil)
	readerPool.Put(c.br)
	c.bw.Reset(nil)
	writerPool.Put(c.bw)
	c.br, c.bw = nil, nil
}

func (c *conn) serve(ctx context.Context) {
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, c.nc.LocalAddr())
	ctx, cancel := context.WithCancel(ctx)
	c.acquireBuffers()
	defer func() {
		cancel()
		if c.watchTimer != nil {
			c.watchTimer.Stop()
		}
		c.srv.untrackConn(c)
		if c.hijacked || c.handedOver {
			return // the connection and its buffers belong to someone else now
		}
		c.close()
		if c.br != nil {
			c.releaseBuffers()
		}
	}()
	for first := true; ; first = false {
		if !c.awaitRequest(first) {
			return
		}
		if first && c.srv.H2C != nil && c.opensWithH2Preface() {
			c.cr.limit = -1
			c.handedOver = c.srv.handOver(c.nc, c.br)
			return
		}
		req, status, err := c.readRequest()
		if err != nil {
			if status != 0 {
				c.replyError(status, err)
			}
			return
		}
		if !c.serveRequest(ctx, req) || c.srv.shutdown.Load() {
			return
		}
	}
}

// close ends the connection without losing the last response: it sends FIN first and
// reads (and drops) what the client still sends for a moment, because closing a
// socket with unread input makes the kernel answer with a reset, which can destroy the
// response in the client's receive buffer before it was read (an error reply to a
// request whose body was not read, for example).
func (c *conn) close() {
	if tc, ok := c.nc.(interface{ CloseWrite() error }); ok && tc.CloseWrite() == nil {
		c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.CopyN(io.Discard, c.nc, maxDiscard)
	}
	c.nc.Close()
}

// awaitRequest waits for the first byte of the next request, under the idle timeout
// (or, for the first request, the header timeout), and then arms the header timeout.
// It returns false when the connection should end: the client closed it, it stayed
// idle too long, or Shutdown closed it.
func (c *conn) awaitRequest(first bool) bool {
	wait := c.srv.idleTimeout()
	if first {
		wait = c.srv.headerTimeout()
	}
	c.setReadDeadline(wait)
	// The head limit starts before the first byte: what the wait buffers counts.
	c.cr.limit = c.srv.maxHeaderBytes() + 4096 // the slack net/http allows for the request line
	c.cr.hitLimit = false
	if c.br.Buffered() == 0 && c.srv.shutdown.Load() {
		return false
	}
	if c.br.Buffered() == 0 && !c.cr.hasByte {
		// Idle: wait with a one-byte read and without the 8 KiB of buffers, which go
		// back to their pools meanwhile. Most of a gateway's connections are idle.
		c.releaseBuffers()
		n, err := c.nc.Read(c.cr.byteBuf[:])
		c.acquireBuffers()
		if n == 0 {
			_ = err // closed, idle too long, or reset: nothing to answer
			return false
		}
		c.cr.hasByte = true
	}
	if _, err := c.br.Peek(1); err != nil {
		return false
	}
	if !c.state.CompareAndSwap(stateIdle, stateActive) {
		return false // Shutdown closed it as idle a moment ago
	}
	if !first {
		c.setReadDeadline(c.srv.headerTimeout())
	}
	return true
}

// setReadDeadline sets the read deadline d from now, or clears it for d == 0 (only if
// one is set: clearing costs a runtime timer operation).
func (c *conn) setReadDeadline(d time.Duration) {
	switch {
	case d > 0:
		c.nc.SetReadDeadline(time.Now().Add(d))
		c.deadline = true
	case c.deadline:
		c.nc.SetReadDeadline(time.Time{})
		c.deadline = false
	}
}

// opensWithH2Preface reports whether the connection starts with the HTTP/2 preface. It
// reads only as far as the bytes still match, so a short HTTP/1 request never waits.
func (c *conn) opensWithH2Preface() bool {
	for n := 1; n <= len(h2Preface); n++ {
		b, err := c.br.Peek(n)
		if err != nil || b[n-1] != h2Preface[n-1] {
			return false
		}
	}
	return true
}

// readRequest reads and checks one request head. On error, status is what to answer
// (0: nothing, the client is gone).
func (c *conn) readRequest() (*http.Request, int, error) {
	req, err := http.ReadRequest(c.br)
	c.cr.limit = -1
	if err != nil {
		switch {
		case c.cr.hitLimit:
			return nil, http.StatusRequestHeaderFieldsTooLarge, errors.New("request headers too large")
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), isTimeout(err):
			return nil, 0, err
		case strings.Contains(err.Error(), "unsupported transfer encoding"):
			return nil, http.StatusNotImplemented, errors.New("unsupported transfer encoding")
		default:
			return nil, http.StatusBadRequest, errors.New("malformed request")
		}
	}
	if req.ProtoMajor != 1 {
		return nil, http.StatusHTTPVersionNotSupported, errors.New("unsupported protocol version")
	}
	// http.ReadRequest has moved the Host header to req.Host (or taken the host of an
	// absolute-form target, which RFC 9112 section 3.2.2 says wins) and refused a
	// repeated one.
	switch {
	case req.ProtoAtLeast(1, 1) && req.Host == "" && req.Method != http.MethodConnect:
		return nil, http.StatusBadRequest, errors.New("missing required Host header")
	case req.Host != "" && !httplex.ValidHost(req.Host):
		return nil, http.StatusBadRequest, errors.New("malformed Host header")
	}
	for name, values := range req.Header {
		if !httplex.IsToken(name) {
			return nil, http.StatusBadRequest, errors.New("invalid header name")
		}
		for _, v := range values {
			if !httplex.ValidValue(v) {
				return nil, http.StatusBadRequest, errors.New("invalid header value")
			}
		}
	}
	req.RemoteAddr = c.remoteAddr
	return req, 0, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// replyError answers a request the server refused before any handler saw it, and the
// connection then closes.
func (c *conn) replyError(status int, err error) {
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c.bw, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n%d %s: %s",
		status, http.StatusText(status), status, http.StatusText(status), err)
	c.bw.Flush()
}

// serveRequest runs the handler for req and reports whether the connection may carry
// another request.
func (c *conn) serveRequest(ctx context.Context, req *http.Request) bool {
	s := c.srv
	if s.ReadTimeout > 0 {
		c.setReadDeadline(s.ReadTimeout) // from the end of the head: close enough, and one timer operation
	} else {
		c.setReadDeadline(0)
	}
	if s.WriteTimeout > 0 {
		c.nc.SetWriteDeadline(time.Now().Add(s.WriteTimeout))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req = req.WithContext(ctx)
	w := &response{c: c, req: req, header: make(http.Header), contentLength: -1}
	if expect := req.Header.Get("Expect"); expect != "" {
		if !strings.EqualFold(expect, "100-continue") {
			w.closeAfter = true
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusExpectationFailed)
			w.finish()
			return false
		}
	}
	if req.Body != nil && req.Body != http.NoBody {
		w.body = &serverBody{rc: req.Body, w: w, length: req.ContentLength}
		w.body.needContinue = req.ProtoAtLeast(1, 1) && req.Header.Get("Expect") != ""
		req.Body = w.body
	}
	c.begin(w, cancel)
	panicked := c.runHandler(w, req)
	c.end()
	if w.hijacked {
		c.hijacked = true
		return false // the body, the buffers and the connection are the handler's now
	}
	if w.body != nil {
		defer w.body.detach(c) // before the buffers can serve another request, whatever happens
	}
	if panicked {
		return false // as net/http: the connection is in an unknown state
	}
	if err := w.finish(); err != nil {
		return false
	}
	if w.body != nil && !w.body.sawEOF.Load() {
		return false // commit skipped what could be skipped; the rest would be read as a request
	}
	c.mu.Lock()
	gone := c.clientGone
	c.mu.Unlock()
	if gone || w.closeAfter || req.Close {
		return false
	}
	c.state.Store(stateIdle)
	return true
}

// runHandler calls the handler and reports whether it panicked (logged, except for
// http.ErrAbortHandler, the deliberate way to abort a response).
func (c *conn) runHandler(w *response, req *http.Request) (panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			if p != http.ErrAbortHandler { //nolint:errorlint // net/http compares it the same way
				c.srv.logger().Error("panic serving request", "remote", c.remoteAddr,
					"method", req.Method, "uri", req.RequestURI, "panic", p, "stack", string(debug.Stack()))
			}
		}
	}()
	c.srv.Handler.ServeHTTP(w, req)
	return false
}

// begin marks a request in progress and arms the watch for a slow one.
func (c *conn) begin(w *response, cancel context.CancelFunc) {
	c.mu.Lock()
	c.reqActive, c.body, c.cancelReq = true, w.body, cancel
	if c.watchTimer == nil {
		c.watchTimer = time.AfterFunc(WatchAfter, c.watch)
	} else {
		c.watchTimer.Reset(WatchAfter)
	}
	c.mu.Unlock()
}

// end marks the request finished and ends a watch in progress: a deadline in the past
// wakes its read, and end waits for it, so the connection's reader is again the
// serve loop's alone.
func (c *conn) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqActive, c.body, c.cancelReq = false, nil, nil
	c.watchTimer.Stop()
	if c.watched {
		c.deadline, c.watched = true, false // the watch cleared it; the serve loop must set it
	}
	if !c.watching {
		return
	}
	c.stopping = true
	c.nc.SetReadDeadline(aLongTimeAgo)
	c.deadline = true
	for c.watching {
		c.watchDone.Wait()
	}
	c.stopping = false
}

// watch runs on the timer's goroutine once a request has run for WatchAfter: it reads
// one byte from the connection, which blocks until the client sends the next request
// (the byte is kept for it) or leaves (the request's context is cancelled). It only
// watches when the request's body has been read to its end, so it never takes a body
// byte, and when nothing is buffered, so it never reads past a pipelined request.
func (c *conn) watch() {
	c.mu.Lock()
	if !c.reqActive || c.watching {
		c.mu.Unlock()
		return
	}
	// The body first: until it has been read to its end, a handler (or net/http's
	// Transport, on its own goroutine) may be reading the connection, and nothing else
	// of it may be touched here.
	if b := c.body; b != nil && !b.sawEOF.Load() {
		c.watchTimer.Reset(WatchAfter) // look again later
		c.mu.Unlock()
		return
	}
	if c.cr.hasByte || c.br.Buffered() > 0 {
		c.mu.Unlock()
		return // the next request is here already: the client has not left
	}
	c.watching, c.watched = true, true
	cancel := c.cancelReq
	// The read waits for the client, not for a deadline set for something else (the
	// request's ReadTimeout, a body's discard); the serve loop sets its next deadline
	// itself. A deadline the handler sets meanwhile (http.ResponseController) ends the
	// watch without cancelling anything.
	c.nc.SetReadDeadline(time.Time{})
	c.mu.Unlock()

	n, err := c.nc.Read(c.cr.byteBuf[:])

	c.mu.Lock()
	if n == 1 {
		c.cr.hasByte = true
	}
	if err != nil && !c.stopping && !isTimeout(err) {
		c.clientGone = true
		cancel()
	}
	c.watching = false
	c.watchDone.Broadcast()
	c.mu.Unlock()
}

// serverBody is a request body as the handler sees it: it answers "100 Continue" on
// the first read when the client asked for it, notes when the body has been read to
// its end (the watch and the keep-alive decision need to know), and never drains the
// client on Close (the serve loop decides how much to discard).
//
// A body may be read on another goroutine than the handler's (net/http's Transport
// sends a request body from its own), and may still be read after the handler has
// returned. So every read holds mu, and when the request ends the serve loop detaches
// the body under mu: a later read fails without touching the connection, whose
// buffers may by then serve another client.
type serverBody struct {
	rc           io.ReadCloser
	w            *response
	needContinue bool
	length       int64 // declared Content-Length, -1 for chunked

	mu           sync.Mutex // held across each read; orders the 100 Continue with the response head
	sentContinue bool       // a 100 Continue went out, or may no longer
	detached     bool       // the request is over: reads fail, the connection is not touched

	read   atomic.Int64
	sawEOF atomic.Bool
	failed atomic.Bool // a read failed other than at the end
	closed atomic.Bool
}

func (b *serverBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.detached || b.closed.Load() {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.needContinue && !b.sentContinue && !b.w.committed {
		b.sentContinue = true
		c := b.w.c
		c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	n, err := b.rc.Read(p)
	b.read.Add(int64(n))
	switch {
	case err == io.EOF:
		b.sawEOF.Store(true)
	case err != nil:
		b.failed.Store(true)
	}
	return n, err
}

// remaining is how much of a declared body is unread; 0 for a chunked one (unknown:
// skipRest finds out).
func (b *serverBody) remaining() int64 {
	if b.length < 0 {
		return 0
	}
	return b.length - b.read.Load()
}

func (b *serverBody) Close() error {
	b.closed.Store(true)
	return nil
}

// skipRestLocked reads and drops the rest of the body, up to maxDiscard, and reports
// whether it reached the end. b.mu is held.
func (b *serverBody) skipRestLocked() bool {
	b.w.c.setReadDeadline(discardTimeout) // a client that stalls mid-body does not hold the goroutine
	n, err := io.CopyN(io.Discard, b.rc, maxDiscard+1)
	if n <= maxDiscard && err == io.EOF {
		b.sawEOF.Store(true)
		return true
	}
	return false
}

// detach ends the body's use of the connection, on the serve loop's goroutine when the
// request is over: a reader blocked on the socket is woken (a deadline in the past; the
// next wait sets its own), and every later read fails.
func (b *serverBody) detach(c *conn) {
	if !b.sawEOF.Load() {
		c.nc.SetReadDeadline(aLongTimeAgo)
		c.deadline = true
	}
	b.mu.Lock()
	b.detached, b.sentContinue = true, true
	b.mu.Unlock()
}

// sanitizeValue replaces the bytes that would end a header line, as net/http does.
func sanitizeValue(v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return r == '\r' || r == '\n' || r == 0 }) < 0 {
		return v
	}
	return string(bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, []byte(v)))
}
