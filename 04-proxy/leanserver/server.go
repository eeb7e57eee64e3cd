package leanserver

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// WatchAfter is how long a request runs before the server starts watching its
// connection for a client that has gone away (and then cancels the request's context).
// Shorter requests are never watched: they finish before a watch could matter.
const WatchAfter = 25 * time.Millisecond

// DefaultMaxHeaderBytes bounds a request's head when Server.MaxHeaderBytes is 0, as
// net/http does.
const DefaultMaxHeaderBytes = http.DefaultMaxHeaderBytes

// Server serves HTTP/1.x over plain TCP connections. Set its fields before Serve;
// they are not changed afterwards.
type Server struct {
	// Handler answers every request.
	Handler http.Handler
	// ReadHeaderTimeout bounds reading a request's head, ReadTimeout the head and the
	// body, WriteTimeout the response (from the end of the head), IdleTimeout the wait
	// for the next request on a kept-alive connection. Zero means no limit, except
	// that IdleTimeout falls back to ReadTimeout and ReadHeaderTimeout to ReadTimeout,
	// as in net/http.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers (DefaultMaxHeaderBytes if 0).
	MaxHeaderBytes int
	// BaseContext gives the context every request's context derives from.
	BaseContext func(net.Listener) context.Context
	// Logger receives handler panics and accept errors (slog.Default if nil).
	Logger *slog.Logger
	// H2C, when not nil, serves connections that open with the HTTP/2 preface: they
	// are handed over, bytes intact, to this net/http server, which must have
	// unencrypted HTTP/2 enabled (Protocols.SetUnencryptedHTTP2) and a handler.
	H2C *http.Server

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	handoff   *handoffListener
	h2cDone   chan struct{}
	shutdown  atomic.Bool
}

// Serve accepts connections on ln and serves each on a goroutine of its own until ln
// fails or Shutdown or Close is called; then it returns http.ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln) {
		ln.Close()
		return http.ErrServerClosed
	}
	defer s.untrack(ln)
	ctx := context.Background()
	if s.BaseContext != nil {
		ctx = s.BaseContext(ln)
	}
	// Handlers look for http.ServerContextKey to know that a server will recover
	// their http.ErrAbortHandler panics (httputil.ReverseProxy aborts a response it
	// cannot finish only then); its value is documented to be an *http.Server.
	ctx = context.WithValue(ctx, http.ServerContextKey, s.contextServer())
	if s.H2C != nil {
		s.startH2C(ln.Addr())
	}
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.shutdown.Load() {
				return http.ErrServerClosed
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() { // out of file descriptors: wait, as net/http does
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.logger().Warn("accept failed; retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := newConn(s, nc)
		if !s.trackConn(c) {
			nc.Close()
			return http.ErrServerClosed
		}
		go c.serve(ctx)
	}
}

// Shutdown stops accepting, closes idle connections, lets every request in progress
// finish (its response says Connection: close), and returns when no connection is
// left or ctx ends (then with ctx's error; Close finishes the job).
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	h2c := s.H2C
	if s.handoff != nil {
		s.handoff.Close()
	}
	s.mu.Unlock()
	var h2cErr error
	if h2c != nil {
		h2cErr = h2c.Shutdown(ctx)
	}
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for {
		if s.closeIdle() == 0 {
			return h2cErr
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-poll.C:
		}
	}
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		c.nc.Close()
	}
	if s.handoff != nil {
		s.handoff.Close()
	}
	h2c := s.H2C
	s.mu.Unlock()
	if h2c != nil {
		return h2c.Close()
	}
	return nil
}

// closeIdle closes the connections waiting for a request and returns how many
// connections remain.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.state.CompareAndSwap(stateIdle, stateClosed) {
			c.nc.Close()
		}
	}
	return len(s.conns)
}

func (s *Server) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrack(ln net.Listener) {
	s.mu.Lock()
	delete(s.listeners, ln)
	s.mu.Unlock()
}

func (s *Server) trackConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		return false
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrackConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// contextServer is the *http.Server that http.ServerContextKey names: the H2C server,
// which serves the same handler, or one that describes this server's settings.
func (s *Server) contextServer() *http.Server {
	if s.H2C != nil {
		return s.H2C
	}
	return &http.Server{Handler: s.Handler, ReadHeaderTimeout: s.ReadHeaderTimeout, ReadTimeout: s.ReadTimeout,
		WriteTimeout: s.WriteTimeout, IdleTimeout: s.IdleTimeout, MaxHeaderBytes: s.MaxHeaderBytes}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) maxHeaderBytes() int64 {
	if s.MaxHeaderBytes > 0 {
		return int64(s.MaxHeaderBytes)
	}
	return DefaultMaxHeaderBytes
}

func (s *Server) headerTimeout() time.Duration {
	if s.ReadHeaderTimeout > 0 {
		return s.ReadHeaderTimeout
	}
	return s.ReadTimeout
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return s.ReadTimeout
}

// startH2C serves the handed-over HTTP/2 connections with s.H2C, once.
func (s *Server) startH2C(addr net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handoff != nil {
		return
	}
	s.handoff = &handoffListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
	s.h2cDone = make(chan struct{})
	go func() {
		defer close(s.h2cDone)
		if err := s.H2C.Serve(s.handoff); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.logger().Error("h2c server stopped", "err", err)
		}
	}()
}

// handOver gives an HTTP/2 connection to the H2C server; false when it is closed.
func (s *Server) handOver(nc net.Conn, br *bufio.Reader) bool {
	s.mu.Lock()
	h := s.handoff
	s.mu.Unlock()
	if h == nil {
		return false
	}
	select {
	case h.conns <- &bufferedConn{Conn: nc, r: br}:
		return true
	case <-h.done:
		return false
	}
}

// handoffListener is the net.Listener the H2C server accepts handed-over connections
// from.
type handoffListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }

// bufferedConn is a connection whose first bytes were already read into r.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
