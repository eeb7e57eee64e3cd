package tcpserver

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// timeouts are the resolved per-connection limits; zero means "no limit".
type timeouts struct {
	idle  time.Duration // silence allowed before a message or between reads
	read  time.Duration // time allowed for a whole inbound message
	write time.Duration // time allowed for one Write call
}

// conn wraps an accepted net.Conn. It sets a fresh deadline before every Read
// and Write, tracks whether the connection is idle, and lets the server drain
// or force-close it. Handlers see it as a plain net.Conn.
type conn struct {
	net.Conn
	limits timeouts
	cancel context.CancelFunc

	mu            sync.Mutex
	idle          bool      // no inbound byte since accept or since the last Write
	reading       bool      // a Read is in progress
	draining      bool      // Shutdown has begun
	messageStart  time.Time // first byte of the current inbound message
	userReadLimit time.Time // deadline set by the handler itself, if any
	userWriteLim  time.Time

	closeOnce sync.Once
	closeErr  error
}

func newConn(c net.Conn, limits timeouts, cancel context.CancelFunc) *conn {
	return &conn{Conn: c, limits: limits, cancel: cancel, idle: true}
}

// Read reads with the server's deadlines. During Shutdown an idle connection
// reads io.EOF instead of waiting for a message that would never be served.
func (c *conn) Read(p []byte) (int, error) {
	wasIdle, err := c.beginRead()
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	return n, c.endRead(n, err, wasIdle)
}

func (c *conn) beginRead() (wasIdle bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining && c.idle {
		return true, io.EOF
	}
	c.reading = true
	return c.idle, c.Conn.SetReadDeadline(c.readDeadlineLocked(time.Now()))
}

func (c *conn) endRead(n int, err error, wasIdle bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reading = false
	if n > 0 && c.idle {
		c.idle = false
		c.messageStart = time.Now()
	}
	// Shutdown interrupted a read that was waiting for a new message: that is
	// the end of the conversation, not a timeout.
	if wasIdle && c.draining && n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
		return io.EOF
	}
	return err
}

// readDeadlineLocked is the earliest of: now+idle (no progress for too long),
// messageStart+read (the message as a whole is too slow, the slowloris case)
// and any deadline the handler set itself.
func (c *conn) readDeadlineLocked(now time.Time) time.Time {
	var d time.Time
	if c.limits.idle > 0 {
		d = now.Add(c.limits.idle)
	}
	if !c.idle && c.limits.read > 0 {
		d = netx.Earliest(d, c.messageStart.Add(c.limits.read))
	}
	return netx.Earliest(d, c.userReadLimit)
}

// Write writes with a fresh write deadline. A successful Write ends the
// current exchange: the connection is idle until the next inbound byte.
func (c *conn) Write(p []byte) (int, error) {
	if err := c.beginWrite(); err != nil {
		return 0, err
	}
	n, err := c.Conn.Write(p)
	if err == nil {
		c.mu.Lock()
		c.idle = true
		c.mu.Unlock()
	}
	return n, err
}

func (c *conn) beginWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var d time.Time
	if c.limits.write > 0 {
		d = time.Now().Add(c.limits.write)
	}
	return c.Conn.SetWriteDeadline(netx.Earliest(d, c.userWriteLim))
}

// SetDeadline records a handler's own deadline; the server's limits still
// apply, whichever comes first wins.
func (c *conn) SetDeadline(t time.Time) error {
	return errors.Join(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}

// SetReadDeadline records a handler's read deadline and applies it at once, so
// it also interrupts a Read already in progress.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.userReadLimit = t
	return c.Conn.SetReadDeadline(t)
}

// SetWriteDeadline records a handler's write deadline and applies it at once.
func (c *conn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.userWriteLim = t
	return c.Conn.SetWriteDeadline(t)
}

// drain marks the connection as shutting down and wakes a Read that is
// waiting for a new message. A handler in the middle of an exchange is left
// alone to finish it.
func (c *conn) drain() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.draining = true
	if c.reading && c.idle {
		// The error is ignored on purpose: it only fails if the socket is
		// already closed, and then the Read has returned anyway.
		_ = c.Conn.SetReadDeadline(netx.ALongTimeAgo)
	}
}

// Close closes the socket and cancels the handler's context. It is safe to
// call from the handler and from the server at the same time.
func (c *conn) Close() error {
	c.closeOnce.Do(func() {
		c.cancel()
		c.closeErr = c.Conn.Close()
	})
	return c.closeErr
}

// CloseWrite shuts down the sending side of the connection (a TCP FIN) while reads go
// on. Proxies built on this server need it to pass a client's or upstream's half-close
// on; it returns errors.ErrUnsupported when the underlying connection cannot do it.
func (c *conn) CloseWrite() error {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !ok {
		return errors.ErrUnsupported
	}
	return cw.CloseWrite()
}

// NetConn returns the accepted connection itself. Reads and writes on it bypass the
// server's deadlines and its Shutdown drain (an idle handler's Read returning io.EOF);
// the server still tracks the connection and closes it when Shutdown's deadline passes.
// A byte-stream proxy wants exactly that: it has its own idle rule over both
// directions, and an EOF invented at shutdown would drop a client's bytes silently.
func (c *conn) NetConn() net.Conn { return c.Conn }
