package tcpserver

import (
	"log/slog"
	"net"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// initLocked creates the server's bookkeeping on first use, so the zero
// Server works and Close before Serve is safe.
func (s *Server) initLocked() {
	if s.done != nil {
		return
	}
	s.done = make(chan struct{})
	s.listeners = make(map[net.Listener]struct{})
	s.conns = make(map[*conn]struct{})
	if s.MaxConns > 0 {
		s.slots = make(chan struct{}, s.MaxConns)
	}
}

func (s *Server) trackListener(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if s.closing {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrackListener(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, ln)
}

// trackConn registers c and counts its handler. It refuses once the server is
// closing, so Shutdown's Wait never races with a new Add.
func (s *Server) trackConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = struct{}{}
	s.handlers.Add(1)
	return true
}

func (s *Server) untrackConn(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// acquireSlot waits for a free connection slot when MaxConns is set.
func (s *Server) acquireSlot() error {
	s.mu.Lock()
	slots, done := s.slots, s.done
	s.mu.Unlock()
	if slots == nil {
		return nil
	}
	select {
	case slots <- struct{}{}:
		return nil
	case <-done:
		return ErrServerClosed
	}
}

func (s *Server) releaseSlot() {
	if s.slots != nil {
		<-s.slots
	}
}

// sleep waits for d and reports false if the server started closing.
func (s *Server) sleep(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-s.done:
		return false
	}
}

func (s *Server) timeouts() timeouts {
	return timeouts{
		idle:  netx.Setting(s.IdleTimeout, DefaultIdleTimeout),
		read:  netx.Setting(s.ReadTimeout, DefaultReadTimeout),
		write: netx.Setting(s.WriteTimeout, DefaultWriteTimeout),
	}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
