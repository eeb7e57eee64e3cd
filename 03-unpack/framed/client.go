package framed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"gatewaylab/03-unpack/codec"
)

// DefaultCallTimeout bounds a Call whose context has no deadline, so a
// silent server cannot hang a client forever.
const DefaultCallTimeout = 10 * time.Second

// Client sends frames over one connection and reads one reply per frame.
// Calls are serialized: it is safe for concurrent use, but one Client is
// one connection, so concurrent callers wait for each other.
type Client struct {
	nc    net.Conn
	codec codec.Codec
	br    *bufio.Reader
	bw    *bufio.Writer

	mu     sync.Mutex
	broken error // set once the stream may be out of step; every later Call returns it
}

// Dial connects to addr over TCP.
func Dial(ctx context.Context, addr string, c codec.Codec) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("framed: dial %s: %w", addr, err)
	}
	return NewClient(nc, c), nil
}

// NewClient speaks c over an existing connection, which it now owns.
func NewClient(nc net.Conn, c codec.Codec) *Client {
	return &Client{nc: nc, codec: c, br: bufio.NewReader(nc), bw: bufio.NewWriter(nc)}
}

// Call sends payload as one frame and returns the reply, stored in reply's
// backing array when it fits (pass the previous reply back in to reuse its
// memory). It gives up at ctx's deadline, or after DefaultCallTimeout if ctx
// has none, or when ctx is cancelled.
//
// A payload the codec refuses (too large, say) is reported without touching
// the connection. Any other failure leaves the stream in an unknown state
// (half a frame may have gone out, or a late reply may still come), so the
// Client is then broken: later Calls fail at once and it should be closed.
func (c *Client) Call(ctx context.Context, payload, reply []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return nil, c.broken
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("framed: not sent: %w", err) // nothing touched the stream
	}
	defer c.bindDeadline(ctx)()
	if err := c.codec.Encode(c.bw, payload); err != nil {
		if codec.IsRefusal(err) {
			return nil, fmt.Errorf("framed: not sent: %w", err)
		}
		return nil, c.fail(ctx, "send", err)
	}
	if err := c.bw.Flush(); err != nil {
		return nil, c.fail(ctx, "send", err)
	}
	reply, err := c.codec.Decode(c.br, reply)
	if err != nil {
		return nil, c.fail(ctx, "receive", err)
	}
	return reply, nil
}

// Err reports why the Client is broken, or nil while it is usable.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// Close closes the connection.
func (c *Client) Close() error {
	return c.nc.Close()
}

// bindDeadline makes the connection obey ctx for one call: its deadline (or
// the default) becomes the connection's, and cancelling ctx wakes blocked
// I/O at once. The returned function undoes the binding; it waits for a
// cancellation already in progress so it cannot leak into the next call.
func (c *Client) bindDeadline(ctx context.Context) (unbind func()) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultCallTimeout)
	}
	_ = c.nc.SetDeadline(deadline) // fails only on a closed conn; the I/O reports it
	woken := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = c.nc.SetDeadline(aLongTimeAgo)
		close(woken)
	})
	return func() {
		if !stop() {
			<-woken
		}
	}
}

// fail marks the client broken and explains err, naming the context's
// cause when cancellation is what broke the I/O.
func (c *Client) fail(ctx context.Context, op string, err error) error {
	if cause := contextCause(ctx, err); cause != nil {
		err = fmt.Errorf("%w: %w", cause, err)
	}
	err = fmt.Errorf("framed: %s: %w", op, err)
	c.broken = fmt.Errorf("framed: client unusable after an earlier failure: %w", err)
	return err
}

// contextCause returns why ctx ended, if it did. The connection shares
// ctx's deadline, so its timeout can fire a moment before ctx's own timer:
// that case is the context's deadline too.
func contextCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	if deadline, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}
