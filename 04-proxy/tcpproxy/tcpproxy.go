// Package tcpproxy is a TCP (L4, 四层) proxy: for each client connection it picks an
// upstream, dials it and copies bytes both ways until both sides are done. It knows
// nothing of the protocol inside (Redis, MySQL, TLS, anything), which is its strength and
// its limit: it cannot route by host or path, retry, or rewrite a header.
//
// The parts that matter, each fixing a fault of the course's TCP proxy:
//
//   - the upstream is chosen per connection through a hook (a balancer, in the gateway),
//     not once when the proxy is built;
//   - half-close is passed on (package tunnel), so "send a request, shut down writing,
//     read the answer" protocols work;
//   - a tunnel with no traffic either way for IdleTimeout is closed;
//   - a failed dial is logged with client, upstream and reason, and the client is closed
//     at once instead of waiting;
//   - the proxy is a tcpserver.Handler (stage 02): the server bounds the number of
//     connections, tracks them and shuts down gracefully, closing what is left after
//     the deadline.
package tcpproxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"gatewaylab/04-proxy/tunnel"
)

// Upstream chooses where one client connection goes. done, if not nil, is called exactly
// once when that connection ends: with the dial error when the upstream could not be
// reached (so a balancer can learn it is down), or with nil after the tunnel closed.
type Upstream func(ctx context.Context, client net.Conn) (addr string, done func(err error), err error)

// Static always chooses addr.
func Static(addr string) Upstream {
	return func(context.Context, net.Conn) (string, func(error), error) { return addr, nil, nil }
}

// Config configures a Proxy. Upstream is required.
type Config struct {
	Upstream    Upstream
	DialTimeout time.Duration // default 5 s
	IdleTimeout time.Duration // no byte either way for this long closes the tunnel; default 10 min
	Logger      *slog.Logger  // default slog.Default()
}

// Proxy proxies TCP connections. It is safe for concurrent use.
type Proxy struct {
	upstream Upstream
	dialer   net.Dialer
	idle     time.Duration
	logger   *slog.Logger
}

// New returns a Proxy for cfg.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream == nil {
		return nil, errors.New("tcpproxy: no Upstream chooser")
	}
	p := &Proxy{upstream: cfg.Upstream, idle: cfg.IdleTimeout, logger: cfg.Logger}
	p.dialer.Timeout = cfg.DialTimeout
	if p.dialer.Timeout == 0 {
		p.dialer.Timeout = 5 * time.Second
	}
	if p.idle == 0 {
		p.idle = 10 * time.Minute
	}
	if p.logger == nil {
		p.logger = slog.Default()
	}
	return p, nil
}

// ServeTCP proxies one client connection until it ends or ctx is cancelled. It closes
// client before returning.
func (p *Proxy) ServeTCP(ctx context.Context, client net.Conn) {
	defer client.Close()
	addr, done, err := p.upstream(ctx, client)
	if err != nil {
		p.logger.Warn("tcp proxy: no upstream for client", "client", client.RemoteAddr().String(), "err", err)
		return
	}
	upstream, err := p.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		err = fmt.Errorf("dial upstream %s: %w", addr, err)
		p.logger.Warn("tcp proxy: cannot reach upstream, closing client",
			"client", client.RemoteAddr().String(), "upstream", addr, "err", err)
		finish(done, err)
		return
	}
	st, err := tunnel.Join(ctx, rawConn(client), upstream, p.idle)
	if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, context.Canceled) {
		p.logger.Debug("tcp proxy: tunnel ended", "client", client.RemoteAddr().String(), "upstream", addr,
			"up", st.AToB, "down", st.BToA, "err", err)
	}
	finish(done, nil)
}

func finish(done func(error), err error) {
	if done != nil {
		done(err)
	}
}

// rawConn unwraps a server's connection wrapper (tcpserver's, tls.Conn's NetConn is not
// used: TLS must stay) so that the tunnel's reads carry no per-message deadlines.
func rawConn(c net.Conn) net.Conn {
	if u, ok := c.(interface{ NetConn() net.Conn }); ok {
		if _, isTLS := c.(interface{ ConnectionState() tls.ConnectionState }); !isTLS {
			return u.NetConn()
		}
	}
	return c
}
