// Package slowclient plays the slow or silent client that every server must
// survive: it connects, sends its payload a few bytes at a time with a pause
// between writes (the "slowloris" attack on HTTP headers), and reports whether
// the server cut it off before it finished.
//
// A server without whole-message deadlines keeps one goroutine and one file
// descriptor per such client for as long as the client likes; a few hundred
// of them exhaust it. The tests of tcpserver and httpserver use this package
// to prove their timeouts cut such clients.
package slowclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// maxReply bounds how much of the server's reply is kept.
const maxReply = 64 << 10

// Plan describes how to drip the payload.
type Plan struct {
	// Payload is sent in full unless the server closes first. An empty
	// payload makes a silent client that only waits.
	Payload []byte
	// Chunk is the number of bytes per write. Zero or negative means 1.
	Chunk int
	// Interval is the pause before each write.
	Interval time.Duration
	// Progress, if set, is called after each accepted write with the total
	// number of bytes sent so far.
	Progress func(sent int)
}

// Result is what the slow client observed.
type Result struct {
	// Sent is the number of payload bytes the server accepted.
	Sent int
	// ClosedByServer reports that the server ended the connection (EOF or
	// reset) before ctx expired.
	ClosedByServer bool
	// Reply holds what the server sent before closing, at most 64 KiB.
	Reply []byte
	// Elapsed is the time from the first write until the end.
	Elapsed time.Duration
}

// Run dials addr and drips plan.Payload. It returns when the server closes
// the connection or ctx expires; in the second case the error wraps ctx's
// error, which means the server never cut the client.
func Run(ctx context.Context, addr string, plan Plan) (Result, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Result{}, fmt.Errorf("dial %s: %w", addr, err)
	}
	defer conn.Close()
	return Drip(ctx, conn, plan)
}

// Drip runs the plan on an open connection; see Run. It does not close conn.
func Drip(ctx context.Context, conn net.Conn, plan Plan) (Result, error) {
	start := time.Now()
	replies := make(chan []byte, 1)
	go func() { replies <- readUntilClosed(conn) }()

	res, err := drip(ctx, conn, plan, replies)
	res.Elapsed = time.Since(start)
	if !res.ClosedByServer {
		// Wake the reader so its goroutine ends before we return.
		if derr := conn.SetReadDeadline(netx.ALongTimeAgo); derr != nil {
			err = errors.Join(err, derr)
		}
		<-replies
	}
	return res, err
}

// drip writes one chunk per interval until the payload is sent, then waits;
// it stops early when the reader reports that the server closed.
func drip(ctx context.Context, conn net.Conn, plan Plan, replies <-chan []byte) (Result, error) {
	var res Result
	chunk := max(plan.Chunk, 1)
	timer := time.NewTimer(plan.Interval)
	defer timer.Stop()
	for {
		select {
		case reply := <-replies:
			res.ClosedByServer, res.Reply = true, reply
			return res, nil
		case <-ctx.Done():
			return res, fmt.Errorf("server did not close after %d of %d bytes: %w", res.Sent, len(plan.Payload), ctx.Err())
		case <-timer.C:
		}
		if res.Sent < len(plan.Payload) {
			end := min(res.Sent+chunk, len(plan.Payload))
			n, err := conn.Write(plan.Payload[res.Sent:end])
			res.Sent += n
			if err != nil {
				// A write fails once the server has reset the connection;
				// the reader reports the close itself.
				continue
			}
			if plan.Progress != nil {
				plan.Progress(res.Sent)
			}
			timer.Reset(plan.Interval)
		}
	}
}

// readUntilClosed reads until the connection ends and returns the first
// maxReply bytes that arrived.
func readUntilClosed(conn net.Conn) []byte {
	var reply []byte
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		keep := min(n, maxReply-len(reply))
		reply = append(reply, buf[:keep]...)
		if err != nil {
			// EOF, reset or our own wake-up deadline: the conversation
			// is over either way.
			return reply
		}
	}
}
