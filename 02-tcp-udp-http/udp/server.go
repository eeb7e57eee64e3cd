package udp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// Handler answers one request datagram. payload is only valid during the
// call. A returned error is sent to the client as an error reply, so its text
// must be fit for the client's eyes.
type Handler interface {
	ServeUDP(ctx context.Context, from net.Addr, payload []byte) ([]byte, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, from net.Addr, payload []byte) ([]byte, error)

// ServeUDP calls f.
func (f HandlerFunc) ServeUDP(ctx context.Context, from net.Addr, payload []byte) ([]byte, error) {
	return f(ctx, from, payload)
}

// Echo answers every request with its own payload.
var Echo = HandlerFunc(func(_ context.Context, _ net.Addr, payload []byte) ([]byte, error) {
	return payload, nil
})

// DefaultWorkers is the number of goroutines reading the socket when
// Server.Workers is zero.
const DefaultWorkers = 4

// Server answers each request datagram with one reply datagram. The zero
// value is ready once Handler is set.
type Server struct {
	// Handler answers requests. It must not be nil.
	Handler Handler
	// MaxDatagram limits request and reply size. Zero means
	// DefaultMaxDatagram.
	MaxDatagram int
	// Workers is the number of goroutines that read and answer datagrams
	// concurrently; it bounds concurrency the way MaxConns does for TCP.
	// Zero means DefaultWorkers.
	Workers int
	// Logger receives write failures and handler panics. If nil,
	// slog.Default() is used.
	Logger *slog.Logger
}

// ListenAndServe listens on addr ("127.0.0.1:9091") and serves until ctx is
// done.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	defer pc.Close()
	return s.Serve(ctx, pc)
}

// Serve answers datagrams on pc until ctx is done, then waits for requests in
// progress to be answered and returns nil. It returns an error if reading pc
// fails for another reason. Serve does not close pc.
func (s *Server) Serve(ctx context.Context, pc net.PacketConn) error {
	if s.Handler == nil {
		return errors.New("udp: nil Handler")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A datagram socket has no Accept to close: a past read deadline is
	// what wakes the workers.
	stop := context.AfterFunc(ctx, func() {
		if err := pc.SetReadDeadline(netx.ALongTimeAgo); err != nil && !errors.Is(err, net.ErrClosed) {
			s.logger().Warn("udp: wake readers", "err", err)
		}
	})
	defer stop()

	var wg sync.WaitGroup
	for range s.workers() {
		wg.Go(func() {
			if err := s.work(ctx, pc); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func (s *Server) workers() int {
	if s.Workers <= 0 {
		return DefaultWorkers
	}
	return s.Workers
}

// work reads and answers datagrams until ctx is done or reading fails.
func (s *Server) work(ctx context.Context, pc net.PacketConn) error {
	limit := maxDatagram(s.MaxDatagram)
	// One byte more than the limit: a datagram that fills it is too large
	// (the kernel silently drops whatever does not fit the buffer).
	buf := make([]byte, limit+1)
	out := make([]byte, 0, limit+1)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("read from %s: %w", pc.LocalAddr(), err)
		}
		reply := s.answer(ctx, from, buf[:n], out[:0], limit)
		if _, err := pc.WriteTo(reply, from); err != nil {
			s.logger().Warn("udp: reply failed", "to", from.String(), "err", err)
		}
	}
}

// answer builds the reply to one request.
func (s *Server) answer(ctx context.Context, from net.Addr, req, out []byte, limit int) []byte {
	if len(req) > limit {
		return AppendError(out, fmt.Sprintf("request larger than %d bytes", limit))
	}
	payload, err := s.serve(ctx, from, req)
	if err != nil {
		return AppendError(out, err.Error())
	}
	if 1+len(payload) > limit {
		return AppendError(out, fmt.Sprintf("reply of %d bytes exceeds the %d-byte limit", 1+len(payload), limit))
	}
	return AppendReply(out, payload)
}

// serve runs the handler; a panic becomes an error reply, not a dead server.
func (s *Server) serve(ctx context.Context, from net.Addr, req []byte) (payload []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.logger().Error("udp handler panic", "from", from.String(), "panic", p, "stack", string(debug.Stack()))
			payload, err = nil, errors.New("internal error")
		}
	}()
	return s.Handler.ServeUDP(ctx, from, req)
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
