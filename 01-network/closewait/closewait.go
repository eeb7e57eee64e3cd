// Package closewait reproduces the CLOSE_WAIT leak and its fix.
//
// When a client closes its end of a TCP connection, its FIN moves the
// server's socket to CLOSE_WAIT: "the peer is done sending; waiting for the
// local application to close". Only the server's own Close sends the second
// FIN of the four-way teardown (四次挥手) and lets the socket go. A server
// that forgets Close keeps every such socket, and its file descriptor, in
// CLOSE_WAIT for as long as the process lives: the symptom is a growing
// CLOSE_WAIT count in `ss -tan` and, eventually, "too many open files".
package closewait

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// DefaultIdleTimeout is how long a connection may stay silent when
// Server.IdleTimeout is zero.
const DefaultIdleTimeout = time.Minute

// Server echoes what each client sends until the client hangs up.
// The zero Server is the fixed one: it closes every connection it is done
// with. A Server must not be copied after first use.
type Server struct {
	// ForgetClose reproduces the bug: when a client hangs up, the server
	// stops serving the connection but never closes it. The connection
	// stays referenced (as a real leak does, e.g. in a session map that is
	// never cleaned) until Serve returns.
	ForgetClose bool
	// IdleTimeout ends a connection whose client sends nothing for this
	// long. Zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// OnHangup, if not nil, is called after the server has finished with a
	// connection whose client hung up: after closing it or forgetting to.
	OnHangup func(remote net.Addr)

	mu    sync.Mutex
	conns map[net.Conn]struct{} // not yet closed, leaked ones included
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// every connection it holds, waits for their goroutines and returns nil.
// It returns the accept error if ln fails first.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer func() {
		ln.Close()
		s.closeAll()
		wg.Wait()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accept: %w", err)
		}
		s.track(conn)
		wg.Go(func() { s.serve(conn) })
	}
}

// Open returns how many connections the server holds open.
func (s *Server) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) serve(conn net.Conn) {
	err := s.echo(conn)
	if !s.ForgetClose {
		s.close(conn)
	}
	// The bug: without the Close above, this return is where the socket
	// is left in CLOSE_WAIT.
	if err == nil && s.OnHangup != nil {
		s.OnHangup(conn.RemoteAddr())
	}
}

// echo copies the client's bytes back until the client hangs up (nil) or
// the connection fails or idles out (an error).
func (s *Server) echo(conn net.Conn) error {
	idle := s.IdleTimeout
	if idle == 0 {
		idle = DefaultIdleTimeout
	}
	buf := make([]byte, 4096)
	for {
		if err := conn.SetDeadline(time.Now().Add(idle)); err != nil {
			return fmt.Errorf("set deadline: %w", err)
		}
		n, err := conn.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil // the client's FIN: our socket is now in CLOSE_WAIT
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
}

func (s *Server) track(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = make(map[net.Conn]struct{})
	}
	s.conns[conn] = struct{}{}
}

func (s *Server) close(conn net.Conn) {
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
	conn.Close() // the close error carries no information the server can act on
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for conn := range s.conns {
		conn.Close() // shutting down: nothing to do with a close error
		delete(s.conns, conn)
	}
}
