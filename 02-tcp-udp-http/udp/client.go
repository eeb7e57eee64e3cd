package udp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// Client defaults.
const (
	DefaultAttempts   = 4
	DefaultTimeout    = 250 * time.Millisecond
	DefaultMaxTimeout = 2 * time.Second
)

// Client sends requests and waits for replies, retrying lost ones. The zero
// value uses the defaults and is safe for concurrent use.
type Client struct {
	// Attempts is how many times a request is sent before giving up with
	// ErrNoReply. Zero means DefaultAttempts.
	Attempts int
	// Timeout is how long the first attempt waits for its reply; each retry
	// waits twice as long as the one before (exponential backoff), up to
	// MaxTimeout. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxTimeout caps one attempt's wait. Zero means DefaultMaxTimeout.
	MaxTimeout time.Duration
	// MaxDatagram limits request and reply size. Zero means
	// DefaultMaxDatagram.
	MaxDatagram int
	// OnRetry, if set, is called before each retry with the attempt number
	// (2, 3...) and why the previous attempt failed.
	OnRetry func(attempt int, err error)
}

// lostError marks an attempt that got no reply; only those are retried.
type lostError struct{ err error }

func (e lostError) Error() string { return e.err.Error() }
func (e lostError) Unwrap() error { return e.err }

// Exchange sends payload to addr and returns the reply's payload.
//
// Each call uses its own connected socket, so a late reply to an earlier call
// can never be mistaken for this one's (the kernel only delivers datagrams
// from addr to it, and only to this call). Replies to this call's own earlier
// attempts are welcome: they answer the same request.
func (c *Client) Exchange(ctx context.Context, addr string, payload []byte) ([]byte, error) {
	limit := maxDatagram(c.MaxDatagram)
	if len(payload) > limit {
		return nil, fmt.Errorf("send %d bytes to %s: %w (limit %d)", len(payload), addr, ErrTooLarge, limit)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "udp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() {
		// Wake a blocked Read; a failure means the socket is closed.
		_ = conn.SetReadDeadline(netx.ALongTimeAgo)
	})
	defer stop()
	return c.retry(ctx, conn, payload, make([]byte, limit+1))
}

// retry sends the request up to Attempts times, doubling the wait each time.
func (c *Client) retry(ctx context.Context, conn net.Conn, payload, buf []byte) ([]byte, error) {
	attempts, wait := c.attempts(), c.timeout()
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 && c.OnRetry != nil {
			c.OnRetry(attempt, lastErr)
		}
		reply, err := c.attempt(ctx, conn, payload, buf, wait)
		if err == nil {
			return reply, nil
		}
		if cause := netx.ContextErr(ctx); cause != nil {
			return nil, fmt.Errorf("exchange with %s: %w", conn.RemoteAddr(), cause)
		}
		if _, lost := errors.AsType[lostError](err); !lost {
			return nil, err
		}
		lastErr = err
		wait = min(2*wait, c.maxTimeout())
	}
	return nil, fmt.Errorf("%w from %s after %d attempts: %v", ErrNoReply, conn.RemoteAddr(), attempts, lastErr)
}

// attempt sends the request once and waits up to wait for a reply.
func (c *Client) attempt(ctx context.Context, conn net.Conn, payload, buf []byte, wait time.Duration) ([]byte, error) {
	deadline := netx.Deadline(ctx, wait)
	if err := conn.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("set deadline: %w", err)
	}
	if _, err := conn.Write(payload); err != nil {
		return nil, fmt.Errorf("send to %s: %w", conn.RemoteAddr(), err)
	}
	n, err := conn.Read(buf)
	if err != nil {
		return nil, c.readFailed(ctx, err, deadline)
	}
	if n == len(buf) {
		return nil, fmt.Errorf("read from %s: %w: larger than %d bytes", conn.RemoteAddr(), ErrTruncated, len(buf)-1)
	}
	reply, err := ParseReply(buf[:n])
	if err != nil {
		return nil, fmt.Errorf("reply from %s: %w", conn.RemoteAddr(), err)
	}
	return reply, nil
}

// readFailed classifies a failed read. A timeout is a lost datagram. So is
// "connection refused": the kernel turned an ICMP port-unreachable for an
// earlier datagram into an error, which usually means the server is not (or
// not yet) running; the attempt still waits out its time before the retry.
func (c *Client) readFailed(ctx context.Context, err error, deadline time.Time) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return lostError{errors.New("timed out waiting for a reply")}
	}
	if !isRefused(err) {
		return fmt.Errorf("read: %w", err)
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	return lostError{err}
}

func (c *Client) attempts() int {
	if c.Attempts <= 0 {
		return DefaultAttempts
	}
	return c.Attempts
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c *Client) maxTimeout() time.Duration {
	if c.MaxTimeout <= 0 {
		return DefaultMaxTimeout
	}
	return c.MaxTimeout
}
