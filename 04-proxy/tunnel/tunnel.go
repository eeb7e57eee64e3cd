// Package tunnel joins two connections and copies bytes between them in both
// directions: the core of a CONNECT tunnel, a TCP (L4) proxy and any upgraded
// connection.
//
// Two details separate a tunnel that works from one that almost does:
//
//   - Half-close. When one side finishes sending (its read returns EOF), the tunnel
//     passes that on with CloseWrite and keeps copying the other way. Request/response
//     protocols depend on it: a client that writes a request and shuts down its
//     sending side still waits for the answer. The course's TCP proxy closed both sides
//     as soon as either direction ended, cutting such answers off.
//   - Idle timeout over both directions. A download that streams for an hour while the
//     client sends nothing is not idle, so each direction's read deadline is extended
//     while the other direction moves bytes.
package tunnel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"gatewaylab/04-proxy/bufpool"
)

// ErrIdle means no byte moved in either direction for the idle timeout.
var ErrIdle = errors.New("tunnel idle")

// Stats counts the bytes a tunnel moved.
type Stats struct {
	AToB, BToA int64
}

// Join copies a→b and b→a until both directions have ended, one fails, ctx ends, or
// nothing moves for idle (zero means no idle limit). It closes both connections before
// returning. The error is nil when both sides finished cleanly.
func Join(ctx context.Context, a, b net.Conn, idle time.Duration) (Stats, error) {
	j := &joined{idle: idle}
	j.touch()
	stop := context.AfterFunc(ctx, func() { a.Close(); b.Close() })
	defer stop()

	type result struct {
		n   int64
		err error
	}
	ab, ba := make(chan result, 1), make(chan result, 1)
	go func() { n, err := j.copy(b, a); ab <- result{n, err} }()
	go func() { n, err := j.copy(a, b); ba <- result{n, err} }()

	var st Stats
	var firstErr error
	for range 2 {
		select {
		case r := <-ab:
			st.AToB, ab = r.n, nil
			firstErr = j.settle(firstErr, r.err, a, b)
		case r := <-ba:
			st.BToA, ba = r.n, nil
			firstErr = j.settle(firstErr, r.err, a, b)
		}
	}
	a.Close()
	b.Close()
	if ctx.Err() != nil && firstErr == nil {
		firstErr = ctx.Err()
	}
	return st, firstErr
}

type joined struct {
	idle time.Duration
	last atomic.Int64 // unix nanoseconds of the last byte moved in either direction
}

func (j *joined) touch() { j.last.Store(time.Now().UnixNano()) }

// settle records the outcome of one direction. A failure ends the whole tunnel at once
// (both connections closed, so the other copy returns too); a clean end leaves the
// other direction running.
func (j *joined) settle(first, err error, a, b net.Conn) error {
	if err == nil {
		return first
	}
	a.Close()
	b.Close()
	if first == nil {
		return err
	}
	return first
}

// copy moves bytes from src to dst until src ends, then half-closes dst.
func (j *joined) copy(dst, src net.Conn) (int64, error) {
	buf := bufpool.Get()
	defer bufpool.Put(buf)
	var total int64
	for {
		if j.idle > 0 {
			// It fails only on a closed connection, and then Read reports why.
			_ = src.SetReadDeadline(time.Now().Add(j.idle))
		}
		n, rerr := src.Read(*buf)
		if n > 0 {
			j.touch()
			w, werr := dst.Write((*buf)[:n])
			total += int64(w)
			if werr != nil {
				return total, fmt.Errorf("write: %w", werr)
			}
		}
		switch {
		case rerr == nil:
		case rerr == io.EOF:
			return total, closeWrite(dst)
		case errors.Is(rerr, os.ErrDeadlineExceeded) && j.otherSideActive():
			// Only this direction is quiet; the other still moves bytes: keep going.
		case errors.Is(rerr, os.ErrDeadlineExceeded):
			return total, ErrIdle
		default:
			return total, fmt.Errorf("read: %w", rerr)
		}
	}
}

func (j *joined) otherSideActive() bool {
	return time.Since(time.Unix(0, j.last.Load())) < j.idle
}

// closeWrite passes EOF on: TCP sends a FIN, TLS a close_notify. A connection that
// cannot half-close is left open for the other direction to finish.
func closeWrite(c net.Conn) error {
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok {
		return nil
	}
	if err := cw.CloseWrite(); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("close write: %w", err)
	}
	return nil
}
