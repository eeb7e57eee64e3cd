// Command tcp-server runs a line-echo TCP server built on tcpserver: every
// connection gets its own goroutine, idle and slow clients are cut by
// deadlines, and Ctrl-C shuts it down gracefully.
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

	"gatewaylab/02-tcp-udp-http/tcpecho"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	idle := flag.Duration("idle", 30*time.Second, "cut a connection silent for this long")
	read := flag.Duration("read", 10*time.Second, "cut a connection whose line takes longer than this to arrive")
	maxConns := flag.Int("max-conns", 100, "maximum concurrent connections")
	grace := flag.Duration("grace", 10*time.Second, "how long Ctrl-C waits for busy connections")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *idle, *read, *maxConns, *grace); err != nil {
		fmt.Fprintln(os.Stderr, "tcp-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, idle, read time.Duration, maxConns int, grace time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &tcpserver.Server{
		Handler:     logConns(tcpecho.Handler{}),
		IdleTimeout: idle,
		ReadTimeout: read,
		MaxConns:    maxConns,
		Logger:      slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
	fmt.Printf("tcp echo server on %s (idle timeout %v, line timeout %v, max %d connections)\n", ln.Addr(), idle, read, maxConns)
	fmt.Printf(`Try next, in another terminal:
  go run ./02-tcp-udp-http/cmd/tcp-client -addr %[1]s
  nc %[2]s          # type lines; stay silent %[3]v to be cut
  go run ./02-tcp-udp-http/cmd/slow-client -proto tcp -addr %[1]s
Then press Ctrl-C here while nc is connected: it is closed, the server exits cleanly.
`, ln.Addr(), hostPort(ln.Addr()), idle)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Println("shutting down: no new connections; idle ones close now, busy ones finish their line")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, tcpserver.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Println("all connections closed; bye")
	return nil
}

// logConns prints when each connection opens and closes.
func logConns(next tcpserver.Handler) tcpserver.Handler {
	return tcpserver.HandlerFunc(func(ctx context.Context, conn net.Conn) {
		start := time.Now()
		fmt.Printf("%s connected\n", conn.RemoteAddr())
		next.ServeTCP(ctx, conn)
		fmt.Printf("%s closed after %v\n", conn.RemoteAddr(), time.Since(start).Round(time.Millisecond))
	})
}

// hostPort turns "127.0.0.1:9090" into "127.0.0.1 9090" for nc.
func hostPort(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host + " " + port
}
