package server

import (
	"context"
	"net"
	"net/netip"

	"gatewaylab/02-tcp-udp-http/tcpserver"
	"gatewaylab/09-final-gateway/config"
)

// tcpEntry runs a tcp listener's middleware on every connection before the proxy dials
// a target; a refused connection is closed at once (the server closes it when the
// handler returns).
func (s *Server) tcpEntry(l config.Listener, next tcpserver.Handler) (tcpserver.Handler, error) {
	check, err := s.Shared.TCPCheck(l)
	if err != nil {
		return nil, err
	}
	return tcpserver.HandlerFunc(func(ctx context.Context, c net.Conn) {
		if err := check(ctx, peerIP(c)); err != nil {
			s.logger.Debug("tcp connection refused", "listener", l.Name, "err", err)
			return
		}
		next.ServeTCP(ctx, c)
	}), nil
}

func peerIP(c net.Conn) netip.Addr {
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
