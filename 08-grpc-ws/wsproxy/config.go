package wsproxy

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/05-loadbalance/balancer"
)

// Config configures a Proxy. Only Balancer is required; zero fields take the defaults
// named with them.
type Config struct {
	// Balancer picks the backend for each connection (per connection, not per message:
	// a WebSocket is one long conversation with one backend). Its targets are
	// "host:port" addresses.
	Balancer balancer.Balancer
	// Key returns the hash key of a handshake for the hash policies; nil means none.
	Key balancer.KeyFunc
	// BackendURL returns the URL to dial for a picked address; nil means
	// "ws://" + addr + the request's path and query.
	BackendURL func(addr string, r *http.Request) string
	// Dialer connects to backends; nil means one with a 10 s handshake timeout that
	// never uses $HTTP_PROXY.
	Dialer *websocket.Dialer
	// AllowedOrigins lists the web origins ("https://app.example.com") whose pages may
	// connect. Empty means same host only (the Origin's host equals the request's
	// Host); "*" allows any, for APIs meant to be used cross-site. Requests without an
	// Origin (non-browser clients) are always allowed.
	AllowedOrigins []string
	// Trust lists proxies whose X-Forwarded-* headers are believed; nil trusts none.
	Trust *forwarded.Trust

	// MaxMessageSize bounds one message in either direction; a bigger one closes that
	// side with 1009 "message too big". Default 1 MiB.
	MaxMessageSize int64
	// PingInterval is how often the proxy pings each side (心跳); a side that sends
	// nothing, not even a pong, for PongTimeout is dead and the session ends. Default
	// 30 s; negative disables pings and the read deadline.
	PingInterval time.Duration
	// PongTimeout is how long a side may stay silent; default 2 × PingInterval.
	PongTimeout time.Duration
	// WriteTimeout bounds writing one message or control frame; default 10 s.
	WriteTimeout time.Duration
	// CloseTimeout is how long, after one side closed, the proxy waits for the other
	// side's answering close frame before cutting both; default 5 s.
	CloseTimeout time.Duration
	// ShutdownGrace is how long Shutdown lets connections end on their own before it
	// sends every client 1001 "going away" (Caddy calls it stream_close_delay);
	// default 0.
	ShutdownGrace time.Duration

	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// Defaults for the zero fields of Config.
const (
	DefaultMaxMessageSize = 1 << 20
	DefaultPingInterval   = 30 * time.Second
	DefaultWriteTimeout   = 10 * time.Second
	DefaultCloseTimeout   = 5 * time.Second
	defaultHandshake      = 10 * time.Second
)

func (c Config) withDefaults() (Config, error) {
	if c.Balancer == nil {
		return c, errors.New("wsproxy: no balancer")
	}
	if c.MaxMessageSize < 0 || c.WriteTimeout < 0 || c.CloseTimeout < 0 || c.ShutdownGrace < 0 || c.PongTimeout < 0 {
		return c, errors.New("wsproxy: negative size or timeout")
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PongTimeout == 0 {
		c.PongTimeout = 2 * c.PingInterval
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	if c.BackendURL == nil {
		c.BackendURL = func(addr string, r *http.Request) string { return "ws://" + addr + r.URL.RequestURI() }
	}
	if c.Dialer == nil {
		c.Dialer = &websocket.Dialer{HandshakeTimeout: defaultHandshake, WriteBufferPool: writePool}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}
