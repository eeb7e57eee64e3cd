package framed

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// session is one run of Server.Serve: the connections it owns and the
// state of its shutdown.
type session struct {
	srv *Server
	log *slog.Logger

	// connCtx is the handlers' context. It outlives Serve's ctx, whose
	// cancellation starts a graceful shutdown, and is cancelled only when
	// the shutdown ends, so in-flight handlers can finish their frame.
	connCtx     context.Context
	cancelConns context.CancelFunc

	closing atomic.Bool // set once shutdown starts; read at every frame boundary
	wg      sync.WaitGroup

	mu    sync.Mutex
	conns map[*serverConn]struct{}
}

func newSession(ctx context.Context, srv *Server) *session {
	connCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &session{
		srv:         srv,
		log:         srv.logger(),
		connCtx:     connCtx,
		cancelConns: cancel,
		conns:       make(map[*serverConn]struct{}),
	}
}

// start serves nc in a goroutine the session waits for on shutdown.
func (sess *session) start(nc net.Conn) {
	c := &serverConn{sess: sess, nc: nc}
	sess.mu.Lock()
	sess.conns[c] = struct{}{}
	sess.mu.Unlock()
	sess.wg.Go(func() {
		defer sess.forget(c)
		c.serve(sess.connCtx)
	})
}

func (sess *session) forget(c *serverConn) {
	sess.mu.Lock()
	delete(sess.conns, c)
	sess.mu.Unlock()
}

// eachConn calls f for every open connection.
func (sess *session) eachConn(f func(*serverConn)) int {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	for c := range sess.conns {
		f(c)
	}
	return len(sess.conns)
}

// drain runs after the listener is closed. Idle connections are woken and
// close themselves; busy ones close after their current frame. Whatever is
// still open after timeout is closed by force.
func (sess *session) drain(timeout time.Duration) error {
	defer sess.cancelConns()
	sess.closing.Store(true)
	sess.eachConn((*serverConn).interruptIfIdle)

	done := make(chan struct{})
	go func() {
		sess.wg.Wait()
		close(done)
	}()
	if sleepUntilDone(done, timeout) {
		return nil
	}
	sess.cancelConns()
	busy := sess.eachConn((*serverConn).forceClose)
	<-done
	sess.log.Warn("shutdown timed out, closed busy connections", "timeout", timeout, "closed", busy)
	return fmt.Errorf("%w after %v: closed %d busy connections", ErrShutdownTimeout, timeout, busy)
}

// sleepUntilDone waits for done or timeout, reporting whether done closed.
func sleepUntilDone(done <-chan struct{}, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}
