package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"google.golang.org/grpc"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/wsserver"
)

// StartGRPC starts a demo gRPC Echo server (stage 08's, with grpc.health.v1) on each
// address; each answers with its address in the "served-by" header.
func (b *Backends) StartGRPC(addrs []string) error {
	for _, addr := range addrs {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("demo grpc backend %s: %w", addr, err)
		}
		srv := grpc.NewServer()
		echoserver.Register(srv, echoserver.New(ln.Addr().String()))
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
				b.logger.Error("demo grpc backend stopped", "addr", addr, "err", err)
			}
		}()
		b.Add(func(ctx context.Context) error {
			done := make(chan struct{})
			go func() { srv.GracefulStop(); close(done) }()
			select {
			case <-done:
			case <-ctx.Done():
				srv.Stop()
			}
			return nil
		})
	}
	return nil
}

// StartWebSocket starts a demo WebSocket echo server on each address; it greets every
// connection with its address, so balancing is visible.
func (b *Backends) StartWebSocket(addrs []string) error {
	for _, addr := range addrs {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("demo websocket backend %s: %w", addr, err)
		}
		echo := wsserver.NewEcho(wsserver.Config{
			Greeting:    "connected to websocket backend " + ln.Addr().String(),
			CheckOrigin: func(*http.Request) bool { return true }, // the gateway checks origins
		})
		mux := http.NewServeMux()
		mux.Handle("/", echo)
		srv := httpserver.New(httpserver.Config{ReadTimeout: -1, WriteTimeout: -1}, mux, b.logger)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				b.logger.Error("demo websocket backend stopped", "addr", addr, "err", err)
			}
		}()
		b.Add(func(ctx context.Context) error {
			return errors.Join(echo.Shutdown(ctx), srv.Shutdown(ctx))
		})
	}
	return nil
}
