// Command echo-server serves the Echo gRPC service (unary, server streaming, client
// streaming, bidirectional) and the standard health service, in cleartext HTTP/2 (h2c),
// until Ctrl-C. It is the backend the gRPC proxy demo runs three of.
//
//	go run ./08-grpc-ws/cmd/echo-server -addr 127.0.0.1:50051 -name backend-1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/grpcproxy"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "listen address")
	name := flag.String("name", "echo-server", "name answered in served_by and x-served-by")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *name); err != nil {
		slog.Error("echo-server", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, name string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s := grpc.NewServer()
	echoserver.Register(s, echoserver.New(name))
	fmt.Printf("echo-server %q serving gatewaylab.echo.v1.Echo and grpc.health.v1 on %s (h2c)\n", name, lis.Addr())
	fmt.Printf("try: go run ./08-grpc-ws/cmd/echo-client -addr %s\n", lis.Addr())
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Println("shutting down: finishing calls in flight (at most 5 s)")
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = grpcproxy.GracefulStop(stopCtx, s)
	if serveErr := <-served; serveErr != nil && !errors.Is(serveErr, grpc.ErrServerStopped) {
		return serveErr
	}
	return err
}
