package wsproxy

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/04-proxy/hopbyhop"
	"gatewaylab/04-proxy/proxyerr"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/internal/track"
)

// writePool lends write buffers to connections only while they write, so an idle
// WebSocket costs no write buffer; with thousands of mostly idle connections (长连接)
// that is most of the memory.
var writePool = &sync.Pool{}

// Proxy is a WebSocket reverse proxy: it accepts a client's upgrade, opens a WebSocket
// to a balanced backend, and relays messages, close frames and liveness between them.
// It is safe for concurrent use.
type Proxy struct {
	cfg      Config
	origins  originPolicy
	upgrader websocket.Upgrader
	conns    track.Tracker
}

// New returns a Proxy for cfg.
func New(cfg Config) (*Proxy, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	origins, err := newOriginPolicy(cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, origins: origins}
	p.upgrader = websocket.Upgrader{
		HandshakeTimeout: defaultHandshake,
		WriteBufferPool:  writePool,
		CheckOrigin:      func(*http.Request) bool { return true }, // checked before the backend is dialled
	}
	return p, nil
}

// Len returns the number of sessions open now.
func (p *Proxy) Len() int { return p.conns.Len() }

// Shutdown refuses new connections, waits ShutdownGrace for open sessions to end, then
// sends 1001 "going away" to both sides of each and waits for them to close until ctx
// is done, when the rest are cut. http.Server.Shutdown does not do this: it neither
// waits for nor closes hijacked connections, so call both.
func (p *Proxy) Shutdown(ctx context.Context) error {
	return p.conns.Shutdown(ctx, p.cfg.ShutdownGrace)
}

// ServeHTTP proxies one WebSocket. The backend is dialled before the client is
// upgraded, so a backend that is down or refuses the handshake gets the client a plain
// HTTP error (502, 503, 504, or the backend's own 4xx) rather than a socket that opens
// and closes at once.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if status, reason := p.refusal(r); status != 0 {
		http.Error(w, reason, status)
		return
	}
	ep, err := p.cfg.Balancer.Pick(p.key(r))
	if err != nil {
		proxyerr.Write(w, proxyerr.ErrNoUpstream)
		return
	}
	start := time.Now()
	backend, status, err := p.dialBackend(r, ep.Addr())
	if err != nil {
		p.answerDialError(w, r, ep.Addr(), status, err)
		ep.Done(balancer.Outcome{Latency: time.Since(start), Status: status, Err: dialErr(status, err)})
		return
	}
	outcome := balancer.Outcome{Latency: time.Since(start), Status: http.StatusSwitchingProtocols}
	defer func() { ep.Done(outcome) }()

	client, err := p.upgradeClient(w, r, backend)
	if err != nil {
		outcome.Status = http.StatusBadRequest // the upgrader has answered the client
		p.cfg.Logger.Debug("websocket proxy: client upgrade failed", "err", err)
		closeNow(backend, websocket.CloseGoingAway, "client handshake failed", p.cfg.WriteTimeout)
		return
	}
	s := newSession(p.cfg, client, backend)
	if !p.conns.Add(s) { // Shutdown began while the backend was being dialled
		s.GoAway()
		_ = s.Close() // both sides were just told why
		return
	}
	defer p.conns.Remove(s)
	s.run()
}

// refusal returns the status for a request the proxy will not upgrade, or 0.
func (p *Proxy) refusal(r *http.Request) (int, string) {
	switch {
	case !websocket.IsWebSocketUpgrade(r):
		return http.StatusBadRequest, "websocket upgrade expected"
	case !p.origins.allows(r):
		return http.StatusForbidden, "origin not allowed"
	case p.conns.Closing():
		return http.StatusServiceUnavailable, "shutting down"
	}
	return 0, ""
}

func (p *Proxy) key(r *http.Request) string {
	if p.cfg.Key == nil {
		return ""
	}
	return p.cfg.Key(r)
}

// dialBackend opens the backend WebSocket. On failure it returns the status to report:
// the backend's own when it answered the handshake with one, else the status the
// error maps to (502, 504).
func (p *Proxy) dialBackend(r *http.Request, addr string) (*websocket.Conn, int, error) {
	conn, res, err := p.cfg.Dialer.DialContext(r.Context(), p.cfg.BackendURL(addr, r), p.backendHeader(r))
	if err == nil {
		return conn, http.StatusSwitchingProtocols, nil
	}
	if res != nil && res.StatusCode != http.StatusSwitchingProtocols {
		return nil, res.StatusCode, err
	}
	status, _ := proxyerr.Status(err)
	return nil, status, err
}

// handshakeHeaders are set by the dialer itself (gorilla refuses duplicates) or, for
// Origin, checked here: the backend sees the proxy's Host, so its own same-origin check
// would refuse every browser.
var handshakeHeaders = []string{
	"Sec-Websocket-Key", "Sec-Websocket-Version", "Sec-Websocket-Extensions",
	"Sec-Websocket-Accept", "Origin", "Host",
}

// backendHeader is the client's handshake minus hop-by-hop and handshake headers, with
// X-Forwarded-* set by the trust rules. Subprotocols, cookies and credentials pass.
func (p *Proxy) backendHeader(r *http.Request) http.Header {
	h := r.Header.Clone()
	hopbyhop.Remove(h)
	for _, k := range handshakeHeaders {
		h.Del(k)
	}
	p.cfg.Trust.SetHeaders(&http.Request{Header: h}, r)
	return h
}

// answerDialError tells the client why its WebSocket could not be opened.
func (p *Proxy) answerDialError(w http.ResponseWriter, r *http.Request, addr string, status int, err error) {
	if status >= 400 && status < 500 {
		http.Error(w, http.StatusText(status), status) // the backend refused: pass its verdict on
		return
	}
	if status != proxyerr.StatusClientClosedRequest {
		p.cfg.Logger.Warn("websocket proxy: backend dial failed", "path", r.URL.Path, "backend", addr, "err", err)
	}
	proxyerr.Write(w, err)
}

// dialErr is the Outcome error of a failed dial: none when the backend answered.
func dialErr(status int, err error) error {
	if status >= 400 && status < 500 {
		return nil
	}
	return err
}

// upgradeClient completes the client's handshake with the subprotocol the backend chose.
func (p *Proxy) upgradeClient(w http.ResponseWriter, r *http.Request, backend *websocket.Conn) (*websocket.Conn, error) {
	var h http.Header
	if sub := backend.Subprotocol(); sub != "" {
		h = http.Header{"Sec-Websocket-Protocol": {sub}}
	}
	client, err := p.upgrader.Upgrade(w, r, h)
	if err != nil {
		return nil, fmt.Errorf("upgrade client: %w", err)
	}
	return client, nil
}
