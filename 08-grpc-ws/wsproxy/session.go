package wsproxy

import (
	"errors"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// session is one proxied WebSocket: the client's connection, the backend's, and two
// pumps that copy messages between them, one per direction.
type session struct {
	client, backend *leg
	closeTimeout    time.Duration
}

func newSession(cfg Config, client, backend *websocket.Conn) *session {
	return &session{
		// What the other side is told when one side fails without a close frame: a client
		// that vanished "went away"; a backend that did is the server's internal error.
		client:       newLeg(cfg, client, websocket.CloseGoingAway, "client went away"),
		backend:      newLeg(cfg, backend, websocket.CloseInternalServerErr, "backend connection failed"),
		closeTimeout: cfg.CloseTimeout,
	}
}

// run relays until both directions have ended, or one has and the other has not
// answered its close frame within closeTimeout; then both connections are closed.
func (s *session) run() {
	s.client.startPings()
	s.backend.startPings()
	defer s.client.stopPings()
	defer s.backend.stopPings()

	ended := make(chan struct{}, 2)
	go func() { pump(s.client, s.backend); ended <- struct{}{} }()
	go func() { pump(s.backend, s.client); ended <- struct{}{} }()
	<-ended
	timer := time.NewTimer(s.closeTimeout)
	defer timer.Stop()
	select {
	case <-ended:
		_ = s.Close() // both sides have closed; nothing is left to report
	case <-timer.C:
		_ = s.Close() // unblocks the pump still waiting for a close frame
		<-ended
	}
}

// GoAway sends 1001 "going away" to both sides; each answers with its own close frame,
// which ends the pumps. It implements track.Conn for Shutdown.
func (s *session) GoAway() {
	s.client.sendClose(websocket.CloseGoingAway, "proxy shutting down")
	s.backend.sendClose(websocket.CloseGoingAway, "proxy shutting down")
}

// Close closes both connections at once.
func (s *session) Close() error {
	return errors.Join(s.client.conn.Close(), s.backend.conn.Close())
}

// pump copies messages from src to dst until src stops, then passes on why: the close
// code and reason src sent, or src's failure code when it broke off without one. When
// dst breaks instead, src is told.
func pump(src, dst *leg) {
	for {
		mt, r, err := src.conn.NextReader()
		if err != nil {
			dst.sendClose(src.closeCodeFor(err))
			return
		}
		src.alive()
		if err := dst.copyMessage(mt, r); err != nil {
			var re readError
			if errors.As(err, &re) {
				continue // src broke mid-message; NextReader returns the same error
			}
			src.sendClose(dst.failCode, dst.failText)
			return
		}
	}
}

// closeCodeFor returns the close code and reason to pass on when reading from l ended
// with err.
func (l *leg) closeCodeFor(err error) (int, string) {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return l.failCode, l.failText // a timeout, reset, protocol error, oversized message
	}
	switch ce.Code {
	case websocket.CloseAbnormalClosure: // made up by gorilla for an EOF; never on the wire
		return l.failCode, l.failText
	default: // including 1005 "no status": FormatCloseMessage sends an empty close frame
		return ce.Code, ce.Text
	}
}

// readError marks an error from the reading side of a copy.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// taggedReader tags read errors so that copyMessage's caller can tell them from write
// errors.
type taggedReader struct{ r io.Reader }

func (t taggedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}
