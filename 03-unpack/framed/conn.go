package framed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"gatewaylab/03-unpack/codec"
)

// aLongTimeAgo is a deadline in the past: setting it wakes a blocked read
// at once with os.ErrDeadlineExceeded.
var aLongTimeAgo = time.Unix(1, 0)

// errShuttingDown ends a connection at a frame boundary during shutdown.
var errShuttingDown = errors.New("server shutting down")

// serverConn is one accepted connection. Its mutex orders two things: the
// connection marking itself idle (waiting for a frame) and shutdown waking
// idle connections, so shutdown never interrupts a frame in flight.
type serverConn struct {
	sess *session
	nc   net.Conn

	mu   sync.Mutex
	idle bool
}

// serve runs the frame loop: wait for a frame, decode it, handle it, reply.
// The read buffer is reused across frames, so steady-state decoding does
// not allocate.
func (c *serverConn) serve(ctx context.Context) {
	defer c.forceClose()
	br := bufio.NewReader(c.nc)
	bw := bufio.NewWriter(c.nc)
	var buf []byte
	for frames := 0; ; frames++ {
		if err := c.awaitFrame(br); err != nil {
			c.logEnd(frames, idleEnd(err), err)
			return
		}
		frame, err := c.sess.srv.Codec.Decode(br, buf)
		if err != nil {
			c.logEnd(frames, decodeEnd(err), err)
			return
		}
		buf = frame
		if err := c.answer(ctx, bw, frame); err != nil {
			c.logEnd(frames, endHandler, err)
			return
		}
	}
}

// awaitFrame blocks until the next frame's first byte is buffered, under
// the idle timeout, then switches to the read timeout for the frame itself.
// It refuses to start waiting once shutdown has begun.
func (c *serverConn) awaitFrame(br *bufio.Reader) error {
	if !c.enterIdle() {
		return errShuttingDown
	}
	_, err := br.Peek(1)
	c.leaveIdle()
	if err != nil && c.sess.closing.Load() {
		return errShuttingDown // woken by shutdown, not a real timeout
	}
	return err
}

func (c *serverConn) enterIdle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess.closing.Load() {
		return false
	}
	c.idle = true
	c.setReadDeadline(orDefault(c.sess.srv.IdleTimeout, DefaultIdleTimeout))
	return true
}

func (c *serverConn) leaveIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idle = false
	c.setReadDeadline(orDefault(c.sess.srv.ReadTimeout, DefaultReadTimeout))
}

// setReadDeadline ignores the error: it fails only on a closed connection,
// and the next read reports that.
func (c *serverConn) setReadDeadline(d time.Duration) {
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
}

// interruptIfIdle wakes the connection if it is waiting for a frame, so it
// sees the shutdown; a connection inside a frame is left alone.
func (c *serverConn) interruptIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		_ = c.nc.SetReadDeadline(aLongTimeAgo) // fails only if already closed
	}
}

// forceClose closes the connection; a second close is harmless.
func (c *serverConn) forceClose() {
	if err := c.nc.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		c.sess.log.Debug("close connection", "remote", c.nc.RemoteAddr().String(), "err", err)
	}
}

// answer calls the handler and writes its reply under the write timeout.
func (c *serverConn) answer(ctx context.Context, bw *bufio.Writer, frame []byte) error {
	reply, err := c.callHandler(ctx, frame)
	if err != nil {
		return err
	}
	if err := c.nc.SetWriteDeadline(time.Now().Add(orDefault(c.sess.srv.WriteTimeout, DefaultWriteTimeout))); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if err := c.sess.srv.Codec.Encode(bw, reply); err != nil {
		return fmt.Errorf("write reply: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write reply: %w", err)
	}
	return nil
}

// callHandler turns a handler panic into an error, so one bad frame closes
// one connection instead of the whole server.
func (c *serverConn) callHandler(ctx context.Context, frame []byte) (reply []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v\n%s", p, debug.Stack())
		}
	}()
	reply, err = c.sess.srv.Handler.ServeFrame(ctx, frame)
	if err != nil {
		return nil, fmt.Errorf("handler: %w", err)
	}
	return reply, nil
}

// connEnd says why a connection ended and how loudly to log it.
type connEnd struct {
	reason string
	level  slog.Level
}

var (
	endShutdown    = connEnd{"server shutting down", slog.LevelDebug}
	endPeerClosed  = connEnd{"peer closed", slog.LevelDebug}
	endIdleTimeout = connEnd{"idle timeout", slog.LevelInfo}
	endReadTimeout = connEnd{"read timeout inside a frame", slog.LevelWarn}
	endTruncated   = connEnd{"peer closed inside a frame", slog.LevelWarn}
	endProtocol    = connEnd{"protocol violation", slog.LevelWarn}
	endReadFailed  = connEnd{"read failed", slog.LevelWarn}
	endHandler     = connEnd{"handler or reply failed", slog.LevelError}
)

// idleEnd classifies an error seen while waiting for a frame.
func idleEnd(err error) connEnd {
	switch {
	case errors.Is(err, errShuttingDown):
		return endShutdown
	case err == io.EOF:
		return endPeerClosed
	case errors.Is(err, os.ErrDeadlineExceeded):
		return endIdleTimeout
	default:
		return endReadFailed
	}
}

// decodeEnd classifies an error seen while reading a frame.
func decodeEnd(err error) connEnd {
	switch {
	case errors.Is(err, codec.ErrFrameTooLarge), errors.Is(err, codec.ErrBadMagic):
		return endProtocol
	case errors.Is(err, os.ErrDeadlineExceeded):
		return endReadTimeout
	case errors.Is(err, io.ErrUnexpectedEOF):
		return endTruncated
	default:
		return endReadFailed
	}
}

func (c *serverConn) logEnd(frames int, end connEnd, err error) {
	c.sess.log.Log(context.Background(), end.level, "connection closed",
		"remote", c.nc.RemoteAddr().String(), "reason", end.reason, "frames", frames, "err", err)
}
