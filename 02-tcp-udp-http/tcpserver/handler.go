package tcpserver

import (
	"context"
	"net"
)

// Handler serves one TCP connection. ServeTCP owns conn until it returns; the
// server closes conn afterwards, so a handler never has to (and a forgotten
// Close cannot leave the socket in CLOSE_WAIT).
//
// ctx is canceled when the connection ends: the handler returned, or the
// server force-closed it (Close, or Shutdown's context expired).
type Handler interface {
	ServeTCP(ctx context.Context, conn net.Conn)
}

// HandlerFunc adapts an ordinary function to Handler, exactly as
// http.HandlerFunc does for http.Handler.
type HandlerFunc func(ctx context.Context, conn net.Conn)

// ServeTCP calls f(ctx, conn).
func (f HandlerFunc) ServeTCP(ctx context.Context, conn net.Conn) { f(ctx, conn) }

var _ Handler = HandlerFunc(nil)
