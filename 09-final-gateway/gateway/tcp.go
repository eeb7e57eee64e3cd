package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpserver"
	"gatewaylab/04-proxy/proxyerr"
	"gatewaylab/04-proxy/tcpproxy"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/09-final-gateway/config"
)

// startTCP opens a TCP (L4) listener. The service is looked up in the current snapshot
// for every connection, so a reload that changes the service's targets or policy
// applies to the next connection, while open sessions keep their upstream.
func (g *Gateway) startTCP(l config.Listener) (*running, error) {
	service := l.Service
	proxy, err := tcpproxy.New(tcpproxy.Config{
		Upstream:    g.tcpUpstream(service),
		DialTimeout: g.snap.Load().Services[service].Config().Upstream.DialTimeout.D(),
		IdleTimeout: l.Timeouts.Idle.D(),
		Logger:      g.logger,
	})
	if err != nil {
		return nil, err
	}
	var handler tcpserver.Handler = proxy
	if g.deps.TCPEntry != nil {
		if handler, err = g.deps.TCPEntry(l, handler); err != nil {
			return nil, err
		}
	}
	srv := tcpproxy.NewServer(proxy, l.MaxConns)
	srv.Handler = handler
	srv.BaseContext = func(net.Listener) context.Context { return g.base }
	ln, err := net.Listen("tcp", l.Listen)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, tcpserver.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			g.logger.Error("listener stopped", "listener", l.Name, "err", err)
		}
	}()
	return &running{
		name: l.Name, addr: ln.Addr().String(), logger: g.logger, ln: ln,
		shutdown: srv.Shutdown,
		close:    func() { srv.Close() },
	}, nil
}

// tcpUpstream picks a target of service per connection, keyed by the client's address
// for hash policies, and reports the session's outcome to the balancer.
func (g *Gateway) tcpUpstream(service string) tcpproxy.Upstream {
	return func(ctx context.Context, client net.Conn) (string, func(error), error) {
		svc, ok := g.snap.Load().Services[service]
		if !ok {
			return "", nil, fmt.Errorf("service %q: %w", service, proxyerr.ErrNoUpstream)
		}
		ep, err := svc.Balancer().Pick(peerKey(client))
		if err != nil {
			return "", nil, fmt.Errorf("service %q: %w", service, err)
		}
		start := time.Now()
		return ep.Addr(), func(err error) {
			ep.Done(balancer.Outcome{Latency: time.Since(start), Err: err})
		}, nil
	}
}

func peerKey(c net.Conn) string {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().String()
	}
	return ""
}
