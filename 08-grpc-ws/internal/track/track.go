// Package track keeps the set of long-lived connections (长连接) a server has hijacked
// from net/http, so that shutting down can end them politely. http.Server.Shutdown
// neither waits for nor closes hijacked connections: without a tracker a WebSocket
// server stops by cutting every socket (the course's WebSocket proxy could only be
// killed), and clients see 1006 "abnormal closure" instead of 1001 "going away".
package track

import (
	"context"
	"sync"
	"time"
)

// Conn is a tracked connection.
type Conn interface {
	// GoAway asks the peer(s) to end the connection (a WebSocket close frame 1001)
	// without waiting; the connection leaves the tracker when it is done.
	GoAway()
	// Close ends the connection at once.
	Close() error
}

// Tracker is a set of live connections. The zero value is ready to use.
type Tracker struct {
	mu      sync.Mutex
	conns   map[Conn]struct{}
	closing bool
	wg      sync.WaitGroup
}

// Add starts tracking c. It returns false once Shutdown has begun: the caller must
// refuse the connection (503) instead.
func (t *Tracker) Add(c Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	if t.conns == nil {
		t.conns = map[Conn]struct{}{}
	}
	t.conns[c] = struct{}{}
	t.wg.Add(1)
	return true
}

// Remove stops tracking c, which has ended. Call it exactly once per successful Add.
func (t *Tracker) Remove(c Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	t.wg.Done()
}

// Closing reports whether Shutdown has begun.
func (t *Tracker) Closing() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closing
}

// Len returns the number of tracked connections.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

// Shutdown refuses new connections, gives the live ones grace to end by themselves,
// then asks each to go away, and waits for them until ctx is done; whatever is still
// open then is closed hard and ctx's error returned. A grace of zero sends the close
// frames at once.
func (t *Tracker) Shutdown(ctx context.Context, grace time.Duration) error {
	t.mu.Lock()
	t.closing = true
	t.mu.Unlock()
	drained := make(chan struct{})
	go func() {
		t.wg.Wait() // no Add can happen any more, so this ends once every conn is removed
		close(drained)
	}()
	if waitFor(ctx, drained, grace) {
		return nil
	}
	t.each(Conn.GoAway)
	if waitFor(ctx, drained, -1) {
		return nil
	}
	t.each(func(c Conn) { _ = c.Close() }) // forced: the peer is past caring about errors
	<-drained
	return ctx.Err()
}

// waitFor reports whether done closed before ctx ended and, when limit >= 0, before
// limit elapsed.
func waitFor(ctx context.Context, done <-chan struct{}, limit time.Duration) bool {
	var expired <-chan time.Time
	if limit >= 0 {
		timer := time.NewTimer(limit)
		defer timer.Stop()
		expired = timer.C
	}
	select {
	case <-done:
		return true
	case <-expired:
		return false
	case <-ctx.Done():
		return false
	}
}

// each calls f for every tracked connection, outside the lock (f may end a connection,
// which calls Remove).
func (t *Tracker) each(f func(Conn)) {
	t.mu.Lock()
	conns := make([]Conn, 0, len(t.conns))
	for c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, c := range conns {
		f(c)
	}
}
