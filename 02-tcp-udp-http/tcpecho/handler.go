package tcpecho

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"

	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// Handler echoes every line it receives. A line longer than MaxLineBytes gets
// an "ERR ..." line and the connection is closed, since the rest of the
// stream can no longer be split into lines reliably.
type Handler struct {
	// MaxLineBytes limits a line, '\n' included. Zero means
	// DefaultMaxLineBytes.
	MaxLineBytes int
}

var _ tcpserver.Handler = Handler{}

// ServeTCP echoes lines until the client hangs up, a deadline passes or the
// server shuts down (all of which end the read loop).
func (h Handler) ServeTCP(_ context.Context, conn net.Conn) {
	limit := maxLine(h.MaxLineBytes)
	// The reader's buffer is the limit: ReadSlice fails with ErrBufferFull
	// instead of growing, so memory per connection is bounded.
	r := bufio.NewReaderSize(conn, limit)
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			fmt.Fprintf(conn, "%sline longer than %d bytes\n", errPrefix, limit)
			return
		}
		if err != nil {
			return
		}
		if _, err := conn.Write(line); err != nil {
			return
		}
	}
}
