package leanproxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"time"
)

// conn is one persistent connection to an upstream. It belongs to exactly one request
// at a time: the pool hands it out, and the request's response body gives it back.
type conn struct {
	pool   *hostPool
	nc     net.Conn
	cr     connReader
	br     *bufio.Reader // attached while in use; pooled while idle
	abort  func()        // interrupts blocked I/O when the request's context ends
	stop   func() bool   // unregisters abort; false if it already ran
	idleAt time.Time
	reused bool // served a request before this one
}

func newConn(p *hostPool, nc net.Conn) *conn {
	c := &conn{pool: p, nc: nc}
	c.cr.nc = nc
	c.abort = func() { nc.SetDeadline(aLongTimeAgo) }
	return c
}

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads and writes
// return at once.
var aLongTimeAgo = time.Unix(1, 0)

// connReader counts what the response brings and bounds its header. limit is the
// header budget left while a header is being read, -1 otherwise.
type connReader struct {
	nc    net.Conn
	total int64 // bytes received in the current exchange
	limit int64
}

func (r *connReader) Read(p []byte) (int, error) {
	if r.limit == 0 {
		return 0, ErrHeaderTooLarge
	}
	if r.limit > 0 && int64(len(p)) > r.limit {
		p = p[:r.limit]
	}
	n, err := r.nc.Read(p)
	r.total += int64(n)
	if r.limit > 0 {
		r.limit -= int64(n)
	}
	return n, err
}

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bufferSize) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, bufferSize) }}
)

// exchange sends req on c and reads the response header. On error c is closed and
// req's body closed. trace, when not nil, hears what net/http's Transport would tell
// it (GotConn, WroteHeaders, WroteRequest, GotFirstResponseByte, 1xx responses).
func (c *conn) exchange(req *http.Request, trace *httptrace.ClientTrace) (*http.Response, error) {
	ctx := req.Context()
	c.gotConn(trace)
	c.stop = nil
	if ctx.Done() != nil {
		c.stop = context.AfterFunc(ctx, c.abort)
	}
	c.cr.total = 0
	if c.br == nil {
		c.br = readers.Get().(*bufio.Reader)
		c.br.Reset(&c.cr)
	}
	err := c.send(req, trace)
	closeBody(req)
	var res *http.Response
	if err == nil {
		res, err = c.receive(req, trace)
	}
	if err != nil {
		c.finish(false)
		return nil, c.explain(ctx, err)
	}
	return c.hand(req, res), nil
}

// gotConn tells trace which connection the request got, as net/http does.
func (c *conn) gotConn(trace *httptrace.ClientTrace) {
	if trace == nil || trace.GotConn == nil {
		return
	}
	info := httptrace.GotConnInfo{Conn: c.nc, Reused: c.reused, WasIdle: c.reused}
	if c.reused && !c.idleAt.IsZero() {
		info.IdleTime = time.Since(c.idleAt)
	}
	trace.GotConn(info)
}

// send writes req through a pooled buffered writer.
func (c *conn) send(req *http.Request, trace *httptrace.ClientTrace) error {
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(c.nc)
	err := writeRequest(bw, req)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	writers.Put(bw)
	if trace != nil {
		if trace.WroteHeaders != nil && err == nil {
			trace.WroteHeaders()
		}
		if trace.WroteRequest != nil {
			trace.WroteRequest(httptrace.WroteRequestInfo{Err: err})
		}
	}
	return err
}

// receive reads the response header, skipping informational (1xx) responses other
// than 101, which ends HTTP on this connection.
func (c *conn) receive(req *http.Request, trace *httptrace.ClientTrace) (*http.Response, error) {
	if d := c.pool.t.responseHeaderTimeout; d > 0 {
		c.nc.SetReadDeadline(time.Now().Add(d))
		defer c.nc.SetReadDeadline(time.Time{})
	}
	c.cr.limit = c.pool.t.maxHeaderBytes
	defer func() { c.cr.limit = -1 }()
	for i := range max1xxResponses + 1 {
		if i == 0 && trace != nil && trace.GotFirstResponseByte != nil {
			if _, err := c.br.Peek(1); err != nil {
				return nil, err
			}
			trace.GotFirstResponseByte()
		}
		res, err := http.ReadResponse(c.br, req)
		if err != nil {
			return nil, err
		}
		if res.StatusCode < 100 || res.StatusCode > 199 || res.StatusCode == http.StatusSwitchingProtocols {
			return res, nil
		}
		if trace != nil && trace.Got1xxResponse != nil {
			if err := trace.Got1xxResponse(res.StatusCode, textproto.MIMEHeader(res.Header)); err != nil {
				return nil, err
			}
		}
	}
	return nil, errors.New("leanproxy: too many 1xx informational responses")
}

// hand gives res to the caller with a body that returns c to the pool when done.
func (c *conn) hand(req *http.Request, res *http.Response) *http.Response {
	keep := !res.Close && !req.Close
	switch {
	case res.StatusCode == http.StatusSwitchingProtocols:
		c.unhook()
		res.Body = &upgradeBody{br: c.br, nc: c.nc}
	case res.Body == http.NoBody:
		c.finish(keep)
	default:
		res.Body = &body{rc: res.Body, c: c, ctx: req.Context(), keep: keep, length: res.ContentLength}
	}
	return res
}

// unhook unregisters the cancellation callback; it reports false when the callback
// already ran (the connection's deadline is spoiled).
func (c *conn) unhook() bool {
	if c.stop == nil {
		return true
	}
	ok := c.stop()
	c.stop = nil
	return ok
}

// finish ends the current exchange: c goes back to the pool when reusable, else it is
// closed. A reader with unread bytes means the upstream sent more than it announced.
func (c *conn) finish(reusable bool) {
	if !c.unhook() || c.br.Buffered() > 0 {
		reusable = false
	}
	if reusable {
		c.br.Reset(nil)
		readers.Put(c.br)
		c.br = nil
		c.reused = true
		if c.pool.put(c) {
			return
		}
	}
	c.close()
}

// close closes the connection and gives its reader back.
func (c *conn) close() {
	c.nc.Close()
	if c.br != nil {
		c.br.Reset(nil)
		readers.Put(c.br)
		c.br = nil
	}
}

// explain turns an I/O error into what the caller should see: the context's error when
// the request was cancelled (that is why the I/O failed), a timeout error when the
// response header timed out.
func (c *conn) explain(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("leanproxy: round trip to %s: %w", c.pool.addr, ctxErr)
	}
	if errors.Is(err, ErrHeaderTooLarge) || c.pool.t.responseHeaderTimeout == 0 || !isTimeout(err) {
		return fmt.Errorf("leanproxy: round trip to %s: %w", c.pool.addr, err)
	}
	return timeoutError{}
}

// upgradeBody is the body of a 101 response: the raw connection after the header, for
// reading (what the reader already buffered comes first) and writing. net/http returns
// the same kind of body, and httputil.ReverseProxy needs io.ReadWriteCloser to tunnel.
type upgradeBody struct {
	br *bufio.Reader
	nc net.Conn
}

func (b *upgradeBody) Read(p []byte) (int, error)  { return b.br.Read(p) }
func (b *upgradeBody) Write(p []byte) (int, error) { return b.nc.Write(p) }
func (b *upgradeBody) Close() error                { return b.nc.Close() }

var _ io.ReadWriteCloser = (*upgradeBody)(nil)
