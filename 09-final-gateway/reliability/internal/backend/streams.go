package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"

	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/wsserver"
)

// GRPC is stage 08's Echo server (all four call kinds, grpc.health.v1) on a free port,
// counting the calls that reach it.
type GRPC struct {
	Addr  string
	srv   *grpc.Server
	calls atomic.Int64
}

// NewGRPC starts an Echo server answering as name.
func NewGRPC(name string) (*GRPC, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("grpc backend %s: %w", name, err)
	}
	g := &GRPC{Addr: ln.Addr().String()}
	g.srv = grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			g.calls.Add(1)
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			g.calls.Add(1)
			return h(srv, ss)
		}))
	echoserver.Register(g.srv, echoserver.New(name))
	go func() {
		if err := g.srv.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			slog.Warn("grpc backend stopped", "backend", name, "err", err)
		}
	}()
	return g, nil
}

// Calls is the number of calls (health checks included) that reached the server.
func (g *GRPC) Calls() int64 { return g.calls.Load() }

// Close stops the server and its calls.
func (g *GRPC) Close() { g.srv.Stop() }

// WebSocket is stage 08's WebSocket echo server on a free port.
type WebSocket struct {
	Addr string
	echo *wsserver.Echo
	srv  *http.Server
}

// NewWebSocket starts a WebSocket echo server.
func NewWebSocket() (*WebSocket, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("websocket backend: %w", err)
	}
	echo := wsserver.NewEcho(wsserver.Config{CheckOrigin: func(*http.Request) bool { return true }})
	w := &WebSocket{Addr: ln.Addr().String(), echo: echo,
		srv: &http.Server{Handler: echo, ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		if err := w.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			slog.Warn("websocket backend stopped", "err", err)
		}
	}()
	return w, nil
}

// Close closes every WebSocket and the server.
func (w *WebSocket) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := w.echo.Shutdown(ctx); err != nil {
		slog.Debug("websocket backend shutdown", "err", err)
	}
	shutdown(w.srv)
}

// TCPEcho is a TCP server that sends every byte back, counting connections.
type TCPEcho struct {
	Addr  string
	ln    net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// NewTCPEcho starts a TCP echo server.
func NewTCPEcho() (*TCPEcho, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("tcp backend: %w", err)
	}
	e := &TCPEcho{Addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]bool{}}
	e.wg.Go(e.accept)
	return e, nil
}

func (e *TCPEcho) accept() {
	for {
		c, err := e.ln.Accept()
		if err != nil {
			return
		}
		e.mu.Lock()
		e.conns[c] = true
		e.mu.Unlock()
		e.wg.Go(func() {
			defer e.forget(c)
			io.Copy(c, c) // ends when either side closes
		})
	}
}

func (e *TCPEcho) forget(c net.Conn) {
	c.Close()
	e.mu.Lock()
	delete(e.conns, c)
	e.mu.Unlock()
}

// Close stops accepting, closes every connection and waits for their goroutines.
func (e *TCPEcho) Close() {
	e.ln.Close()
	e.mu.Lock()
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	e.wg.Wait()
}
