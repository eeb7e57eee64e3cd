package tcpecho

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// Defaults used by the zero Dialer.
const (
	DefaultDialTimeout = 5 * time.Second
	DefaultIOTimeout   = 10 * time.Second
)

// Dialer opens client connections. The zero value uses the defaults.
type Dialer struct {
	// Timeout bounds connection setup (the three-way handshake). Zero means
	// DefaultDialTimeout.
	Timeout time.Duration
	// IOTimeout bounds each Exchange when ctx has no earlier deadline. Zero
	// means DefaultIOTimeout.
	IOTimeout time.Duration
	// MaxLineBytes limits lines in both directions. Zero means
	// DefaultMaxLineBytes.
	MaxLineBytes int
}

// Conn is a client connection. It is not safe for concurrent Exchanges: one
// request and its reply at a time, like the protocol.
type Conn struct {
	conn      net.Conn
	r         *bufio.Reader
	ioTimeout time.Duration
	limit     int
}

// Dial connects to addr.
func (d Dialer) Dial(ctx context.Context, addr string) (*Conn, error) {
	nd := net.Dialer{Timeout: d.Timeout}
	if nd.Timeout == 0 {
		nd.Timeout = DefaultDialTimeout
	}
	c, err := nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	limit := maxLine(d.MaxLineBytes)
	ioTimeout := d.IOTimeout
	if ioTimeout == 0 {
		ioTimeout = DefaultIOTimeout
	}
	return &Conn{conn: c, r: bufio.NewReaderSize(c, limit), ioTimeout: ioTimeout, limit: limit}, nil
}

// Exchange sends line and returns the echoed line without its '\n'. It gives
// up at ctx's deadline or after IOTimeout, whichever is first, and as soon as
// ctx is canceled.
func (c *Conn) Exchange(ctx context.Context, line string) (string, error) {
	if strings.ContainsRune(line, '\n') {
		return "", ErrNewline
	}
	if len(line)+1 > c.limit {
		return "", fmt.Errorf("send %d bytes: %w (limit %d)", len(line)+1, ErrLineTooLong, c.limit)
	}
	stop, err := c.bound(ctx)
	if err != nil {
		return "", err
	}
	defer stop()
	reply, err := c.roundTrip(line)
	if err != nil {
		return "", c.explain(ctx, err)
	}
	return reply, nil
}

// explain reports a failed exchange in terms of ctx when ctx caused it: the
// socket's deadline can fire a moment before ctx's own timer does.
func (c *Conn) explain(ctx context.Context, err error) error {
	cause := netx.ContextErr(ctx)
	if cause == nil {
		return err
	}
	return fmt.Errorf("exchange with %s: %w", c.conn.RemoteAddr(), cause)
}

// bound sets the connection deadline for one exchange and arranges for a
// ctx cancellation to interrupt blocked I/O.
func (c *Conn) bound(ctx context.Context) (stop func() bool, err error) {
	if err := c.conn.SetDeadline(netx.Deadline(ctx, c.ioTimeout)); err != nil {
		return nil, fmt.Errorf("set deadline: %w", err)
	}
	stop = context.AfterFunc(ctx, func() {
		// Waking blocked I/O; if the socket is already closed there is
		// nothing to wake, so the error does not matter.
		_ = c.conn.SetDeadline(netx.ALongTimeAgo)
	})
	return stop, nil
}

func (c *Conn) roundTrip(line string) (string, error) {
	addr := c.conn.RemoteAddr()
	if _, err := fmt.Fprintf(c.conn, "%s\n", line); err != nil {
		return "", fmt.Errorf("send to %s: %w", addr, err)
	}
	reply, err := c.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", fmt.Errorf("read from %s: reply %w (limit %d)", addr, ErrLineTooLong, c.limit)
	case err != nil:
		return "", fmt.Errorf("read from %s: %w", addr, err)
	}
	return checkEcho(line, strings.TrimSuffix(string(reply), "\n"))
}

// checkEcho compares the reply with the line sent. The echo comes first: a
// line that itself starts with "ERR " is echoed, not an error.
func checkEcho(sent, reply string) (string, error) {
	if reply == sent {
		return reply, nil
	}
	if msg, ok := strings.CutPrefix(reply, errPrefix); ok {
		return "", fmt.Errorf("%w: %s", ErrRemote, msg)
	}
	return "", fmt.Errorf("%w: sent %q, got %q", ErrUnexpectedReply, sent, reply)
}

// LocalAddr returns the client's side of the connection.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// Close closes the connection.
func (c *Conn) Close() error { return c.conn.Close() }
