// Package wsserver has the WebSocket backends the proxy is shown and tested with: an
// echo server and a broadcast hub (a chat room), built on github.com/gorilla/websocket.
//
// Both bound message sizes, drop connections that go silent (a peer that answers
// nothing, not even the pings of a proxy, for IdleTimeout), and shut down gracefully:
// Shutdown sends every client a close frame 1001 "going away" and waits for the close
// handshake, instead of cutting sockets as the course's servers did.
package wsserver

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/08-grpc-ws/internal/track"
)

// Config configures a server. Zero fields take the defaults named with them.
type Config struct {
	// CheckOrigin decides whether a browser page may connect; nil allows the same host
	// only (gorilla's default), which is right for a backend behind the proxy, since
	// the proxy checks origins and sends none on.
	CheckOrigin func(r *http.Request) bool
	// MaxMessageSize bounds one incoming message; default 64 KiB.
	MaxMessageSize int64
	// IdleTimeout closes a connection that sends nothing (no message, ping or pong) for
	// this long; default 2 min.
	IdleTimeout time.Duration
	// WriteTimeout bounds writing one message; default 10 s.
	WriteTimeout time.Duration
	// Greeting, if set, is sent as a text message to each client when it connects
	// (demos use it to show which backend a connection landed on).
	Greeting string
}

func (c Config) withDefaults() Config {
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = 64 << 10
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	return c
}

// writePool lends write buffers only while a connection writes.
var writePool = &sync.Pool{}

// base is what the echo server and the hub share: the upgrade, the connection limits
// and the tracking that makes Shutdown graceful.
type base struct {
	cfg      Config
	upgrader websocket.Upgrader
	conns    track.Tracker
}

func newBase(cfg Config) base {
	cfg = cfg.withDefaults()
	return base{cfg: cfg, upgrader: websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		WriteBufferPool:  writePool,
		CheckOrigin:      cfg.CheckOrigin,
	}}
}

// Len returns the number of open connections.
func (b *base) Len() int { return b.conns.Len() }

// Shutdown refuses new connections, sends 1001 "going away" to every client and waits
// for them to close until ctx is done, when the rest are cut. Call it next to
// http.Server.Shutdown, which leaves hijacked connections alone.
func (b *base) Shutdown(ctx context.Context) error { return b.conns.Shutdown(ctx, 0) }

// conn is one accepted client connection.
type conn struct {
	ws  *websocket.Conn
	cfg Config
}

// accept upgrades r and starts tracking the connection; the caller must call release.
// On failure the client has been answered and ok is false.
func (b *base) accept(w http.ResponseWriter, r *http.Request) (c *conn, ok bool) {
	if b.conns.Closing() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return nil, false
	}
	ws, err := b.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil, false // the upgrader answered the client
	}
	c = &conn{ws: ws, cfg: b.cfg}
	ws.SetReadLimit(b.cfg.MaxMessageSize)
	c.alive()
	ws.SetPongHandler(func(string) error { c.alive(); return nil })
	ws.SetPingHandler(func(data string) error {
		c.alive()
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(b.cfg.WriteTimeout))
	})
	if !b.conns.Add(c) {
		c.GoAway()
		_ = ws.Close()
		return nil, false
	}
	if b.cfg.Greeting != "" {
		if err := c.write(websocket.TextMessage, []byte(b.cfg.Greeting)); err != nil {
			b.release(c)
			return nil, false
		}
	}
	return c, true
}

// release closes c and stops tracking it.
func (b *base) release(c *conn) {
	_ = c.ws.Close() // the peer may be long gone
	b.conns.Remove(c)
}

// alive pushes the read deadline back after any sign of life.
func (c *conn) alive() {
	_ = c.ws.SetReadDeadline(time.Now().Add(c.cfg.IdleTimeout)) // fails only once closed
}

// GoAway sends 1001 "going away"; the client answers and the read loop ends.
func (c *conn) GoAway() {
	c.closeWith(websocket.CloseGoingAway, "server shutting down")
}

// Close cuts the connection.
func (c *conn) Close() error { return c.ws.Close() }

// closeWith starts the close handshake with code and text.
func (c *conn) closeWith(code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text),
		time.Now().Add(c.cfg.WriteTimeout)) // fails only when already closing or gone
}

// write sends one message within WriteTimeout.
func (c *conn) write(mt int, data []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout)) // fails only once closed
	return c.ws.WriteMessage(mt, data)
}

// writePrepared sends one prepared (framed once, sent to many) message within WriteTimeout.
func (c *conn) writePrepared(pm *websocket.PreparedMessage) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	return c.ws.WritePreparedMessage(pm)
}
