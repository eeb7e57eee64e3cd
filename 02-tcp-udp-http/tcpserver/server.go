package tcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"
)

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown or
// Close, and by Serve when called on a server that is already closed.
var ErrServerClosed = errors.New("tcpserver: server closed")

// errNoHandler is returned by Serve when Handler is nil.
var errNoHandler = errors.New("tcpserver: nil Handler")

// Defaults applied when a timeout field is zero. A server is safe by default:
// a client that says nothing, or drips a message byte by byte, is cut.
const (
	DefaultIdleTimeout  = 2 * time.Minute
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// NoTimeout disables a timeout when assigned to one of the Server's timeout
// fields. Use it only when the handler enforces its own deadlines.
const NoTimeout time.Duration = -1

// Server accepts TCP connections and serves each on its own goroutine.
// The zero value is ready to use once Handler is set (and Addr, for
// ListenAndServe). A Server must not be copied after first use.
type Server struct {
	// Addr is the address ListenAndServe listens on, e.g. "127.0.0.1:9090".
	Addr string

	// Handler serves each connection. It must not be nil.
	Handler Handler

	// IdleTimeout is how long a connection may stay silent: before its first
	// byte, between messages, or between two reads. Zero means
	// DefaultIdleTimeout; NoTimeout disables it.
	IdleTimeout time.Duration

	// ReadTimeout is how long one inbound message may take, from its first
	// byte until the handler writes again. It is what stops a slow-drip
	// (slowloris) client, which keeps every single read short. Zero means
	// DefaultReadTimeout; NoTimeout disables it.
	ReadTimeout time.Duration

	// WriteTimeout bounds each Write, so a client that stops reading cannot
	// block the handler forever. Zero means DefaultWriteTimeout; NoTimeout
	// disables it.
	WriteTimeout time.Duration

	// MaxConns limits concurrent connections. At the limit the server stops
	// calling Accept, so new clients wait in the kernel's backlog instead of
	// costing a goroutine each. Zero or negative means no limit.
	MaxConns int

	// BaseContext returns the parent context of every connection accepted
	// on ln. If nil, context.Background() is used.
	BaseContext func(ln net.Listener) context.Context

	// Logger receives accept errors and handler panics. If nil,
	// slog.Default() is used.
	Logger *slog.Logger

	mu        sync.Mutex
	closing   bool          // Shutdown or Close was called
	done      chan struct{} // closed when closing becomes true
	slots     chan struct{} // MaxConns semaphore; nil means unlimited
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	handlers  sync.WaitGroup // one per running handler goroutine
}

// ListenAndServe listens on s.Addr and calls Serve.
func (s *Server) ListenAndServe() error {
	if s.Addr == "" {
		return errors.New("tcpserver: empty Addr")
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.Addr, err)
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln and serves each with s.Handler until
// Shutdown or Close, then returns ErrServerClosed. Serve closes ln before
// returning. Any other error is ln's permanent Accept error.
func (s *Server) Serve(ln net.Listener) error {
	defer ln.Close()
	if s.Handler == nil {
		return errNoHandler
	}
	if !s.trackListener(ln) {
		return ErrServerClosed
	}
	defer s.untrackListener(ln)

	base := context.Background()
	if s.BaseContext != nil {
		base = s.BaseContext(ln)
	}
	var delay time.Duration
	for {
		if err := s.acquireSlot(); err != nil {
			return err
		}
		rw, err := ln.Accept()
		if err != nil {
			s.releaseSlot()
			if delay, err = s.acceptFailed(ln, err, delay); err != nil {
				return err
			}
			continue
		}
		delay = 0
		s.startConn(base, rw)
	}
}

// acceptFailed decides what a failed Accept means: the server is closing,
// a permanent failure, or a temporary one worth retrying after a backoff.
func (s *Server) acceptFailed(ln net.Listener, err error, prev time.Duration) (time.Duration, error) {
	if s.isClosing() {
		return 0, ErrServerClosed
	}
	if !isTemporary(err) {
		return 0, fmt.Errorf("accept on %s: %w", ln.Addr(), err)
	}
	delay := nextAcceptDelay(prev)
	s.logger().Warn("accept failed; retrying", "addr", ln.Addr().String(), "err", err, "delay", delay)
	if !s.sleep(delay) {
		return 0, ErrServerClosed
	}
	return delay, nil
}

// startConn tracks the connection and serves it on a new goroutine.
func (s *Server) startConn(base context.Context, rw net.Conn) {
	ctx, cancel := context.WithCancel(base)
	c := newConn(rw, s.timeouts(), cancel)
	if !s.trackConn(c) {
		c.Close()
		s.releaseSlot()
		return
	}
	go s.serveConn(ctx, c)
}

// serveConn runs the handler, then always closes the connection, even if the
// handler panicked: one bad connection must not take the server down.
func (s *Server) serveConn(ctx context.Context, c *conn) {
	defer s.handlers.Done()
	defer s.releaseSlot()
	defer s.untrackConn(c)
	defer c.Close()
	defer func() {
		if p := recover(); p != nil {
			s.logger().Error("tcp handler panic", "remote", c.RemoteAddr().String(), "panic", p, "stack", string(debug.Stack()))
		}
	}()
	s.Handler.ServeTCP(ctx, c)
}

// Shutdown gracefully stops the server: it closes the listeners (new clients
// are refused), closes idle connections, and waits for handlers to finish.
// If ctx expires first, Shutdown closes every remaining connection and
// returns ctx's error. Serve returns ErrServerClosed at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	err := s.beginClosingLocked()
	for c := range s.conns {
		c.drain()
	}
	s.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return err
	case <-ctx.Done():
		s.closeConns()
		return ctx.Err()
	}
}

// Close stops the server at once: it closes the listeners and every
// connection. It is idempotent and safe to call before Serve; it returns the
// first error from closing a listener.
func (s *Server) Close() error {
	s.mu.Lock()
	err := s.beginClosingLocked()
	s.mu.Unlock()
	s.closeConns()
	return err
}

// beginClosingLocked marks the server closing, wakes the accept loops and
// closes the listeners. It is safe to call more than once.
func (s *Server) beginClosingLocked() error {
	s.initLocked()
	if !s.closing {
		s.closing = true
		close(s.done)
	}
	var errs []error
	for ln := range s.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("close listener %s: %w", ln.Addr(), err))
		}
		delete(s.listeners, ln)
	}
	return errors.Join(errs...)
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}
