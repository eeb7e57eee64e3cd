package framed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"gatewaylab/03-unpack/codec"
)

// Defaults for the Server's zero-valued timeouts.
const (
	DefaultIdleTimeout     = 2 * time.Minute
	DefaultReadTimeout     = 30 * time.Second
	DefaultWriteTimeout    = 10 * time.Second
	DefaultShutdownTimeout = 5 * time.Second
)

// ErrShutdownTimeout is returned by Serve when connections were still busy
// after ShutdownTimeout and had to be closed.
var ErrShutdownTimeout = errors.New("framed: shutdown timed out")

// Server answers frames on TCP connections. Its fields are configuration:
// set them before Serve and do not change them while it runs. A Server may
// serve several listeners at once.
type Server struct {
	// Codec frames requests and replies. Required.
	Codec codec.Codec

	// Handler answers each frame. Required.
	Handler Handler

	// IdleTimeout bounds the wait for the first byte of the next frame.
	// Zero or less means DefaultIdleTimeout.
	IdleTimeout time.Duration

	// ReadTimeout bounds the time from a frame's first byte to its last,
	// so a peer cannot hold a connection open by trickling a frame.
	// Zero or less means DefaultReadTimeout.
	ReadTimeout time.Duration

	// WriteTimeout bounds writing one reply. Zero or less means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration

	// ShutdownTimeout bounds the graceful part of a shutdown; busy
	// connections are closed after it. Zero or less means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration

	// Logger receives why each connection ended. Nil means slog.Default().
	Logger *slog.Logger
}

// Serve accepts connections on ln and serves each in its own goroutine until
// ctx is cancelled. Then it shuts down gracefully (see the package doc) and
// returns nil, or ErrShutdownTimeout if it had to close busy connections.
// It also returns if ln fails, after the same shutdown. Serve always closes
// ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Codec == nil || s.Handler == nil {
		return errors.Join(errors.New("framed: Server needs a Codec and a Handler"), ln.Close())
	}
	stopCloser := context.AfterFunc(ctx, func() { s.closeListener(ln) })
	defer stopCloser()

	sess := newSession(ctx, s)
	acceptErr := sess.acceptLoop(ctx, ln)
	if acceptErr != nil {
		s.closeListener(ln)
	}
	return errors.Join(acceptErr, sess.drain(orDefault(s.ShutdownTimeout, DefaultShutdownTimeout)))
}

// closeListener stops accepting; it is the first step of every shutdown.
func (s *Server) closeListener(ln net.Listener) {
	if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		s.logger().Warn("close listener", "addr", ln.Addr().String(), "err", err)
	}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// orDefault returns d unless it is zero or negative.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// acceptLoop accepts until ctx is cancelled (returning nil) or the listener
// fails for good (returning the error). Running out of file descriptors is
// usually transient, so it backs off and retries, as net/http does.
func (sess *session) acceptLoop(ctx context.Context, ln net.Listener) error {
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err == nil {
			backoff = 0
			sess.start(nc)
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		if !errors.Is(err, syscall.EMFILE) && !errors.Is(err, syscall.ENFILE) {
			return fmt.Errorf("framed: accept on %s: %w", ln.Addr(), err)
		}
		backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
		sess.log.Warn("accept failed, retrying", "err", err, "backoff", backoff)
		if !sleepCtx(ctx, backoff) {
			return nil
		}
	}
}

// sleepCtx waits for d or until ctx is done, reporting whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
