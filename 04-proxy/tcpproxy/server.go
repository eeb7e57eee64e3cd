package tcpproxy

import (
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// NewServer returns a stage-02 TCP server that runs p for every connection, with at
// most maxConns at once (0: no limit). The server's own per-message deadlines are off:
// a tunnel is not a request/response conversation, and p enforces its idle timeout over
// both directions. Serve it with Serve(ln); stop it with Shutdown(ctx), which stops
// accepting, waits for tunnels to end and closes what is left when ctx expires.
func NewServer(p *Proxy, maxConns int) *tcpserver.Server {
	return &tcpserver.Server{
		Handler:      p,
		IdleTimeout:  tcpserver.NoTimeout,
		ReadTimeout:  tcpserver.NoTimeout,
		WriteTimeout: tcpserver.NoTimeout,
		MaxConns:     maxConns,
		Logger:       p.logger,
	}
}

var _ tcpserver.Handler = (*Proxy)(nil)
