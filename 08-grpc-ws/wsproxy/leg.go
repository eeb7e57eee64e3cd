package wsproxy

import (
	"io"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// leg is one side of a session: a connection with its limits and its heartbeat (心跳).
type leg struct {
	conn         *websocket.Conn
	failCode     int    // told to the other side when this one fails without a close frame
	failText     string //
	pingInterval time.Duration
	pongTimeout  time.Duration
	writeTimeout time.Duration

	mu      sync.Mutex
	ping    *time.Timer
	stopped bool
}

func newLeg(cfg Config, conn *websocket.Conn, failCode int, failText string) *leg {
	l := &leg{
		conn: conn, failCode: failCode, failText: failText,
		pingInterval: cfg.PingInterval, pongTimeout: cfg.PongTimeout, writeTimeout: cfg.WriteTimeout,
	}
	conn.SetReadLimit(cfg.MaxMessageSize)
	// A close frame is relayed to the other side, whose answer is relayed back; gorilla's
	// default handler would answer at once, before the other side had its say.
	conn.SetCloseHandler(func(int, string) error { return nil })
	if l.pingInterval > 0 {
		conn.SetPongHandler(func(string) error { l.alive(); return nil })
		l.alive()
	}
	return l
}

// alive pushes the read deadline back: the peer has just shown it is there.
func (l *leg) alive() {
	if l.pingInterval > 0 {
		_ = l.conn.SetReadDeadline(time.Now().Add(l.pongTimeout)) // fails only on a closed conn, which the read sees
	}
}

// startPings pings the peer every pingInterval, without a goroutine of its own.
func (l *leg) startPings() {
	if l.pingInterval <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ping = time.AfterFunc(l.pingInterval, l.sendPing)
}

func (l *leg) sendPing() {
	if err := l.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(l.writeTimeout)); err != nil {
		return // the connection is closing or broken; the reading pump will notice
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.ping.Reset(l.pingInterval)
	}
}

func (l *leg) stopPings() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.ping != nil {
		l.ping.Stop()
	}
}

// copyMessage streams one message of type mt from r to the peer, within writeTimeout.
// Errors reading r come back as readError.
func (l *leg) copyMessage(mt int, r io.Reader) error {
	_ = l.conn.SetWriteDeadline(time.Now().Add(l.writeTimeout)) // fails only on a closed conn, which the write sees
	w, err := l.conn.NextWriter(mt)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, taggedReader{r}); err != nil {
		return err
	}
	return w.Close()
}

// sendClose sends a close frame; it fails harmlessly when one was already sent or the
// connection is gone.
func (l *leg) sendClose(code int, text string) {
	_ = l.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text),
		time.Now().Add(l.writeTimeout))
}

// closeNow sends a close frame and closes conn, for a connection that never got a session.
func closeNow(conn *websocket.Conn, code int, text string, timeout time.Duration) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(timeout))
	_ = conn.Close()
}
