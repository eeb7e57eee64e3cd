// Onwire shows the raw bytes of an HTTP/1.1 exchange and of a WebSocket
// opening handshake on a loopback connection, recorded by a tap on the
// client's TCP connection, and checks Sec-WebSocket-Accept.
//
// Usage:
//
//	go run ./01-network/cmd/onwire                          # the scripted tour
//	go run ./01-network/cmd/onwire -listen 127.0.0.1:8080   # serve until Ctrl-C; try curl
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "", "serve on this address until Ctrl-C instead of running the tour")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen); err != nil {
		fmt.Fprintln(os.Stderr, "onwire:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen string) error {
	addr := listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := newServer()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var runErr error
	if listen != "" {
		printTryLines(ln.Addr().String())
		<-ctx.Done()
	} else {
		runErr = tour(ctx, ln.Addr().String())
	}
	return errors.Join(runErr, shutdown(srv, served))
}

// shutdown stops accepting, lets in-flight requests finish for a while,
// then closes whatever is left.
func shutdown(srv *http.Server, served <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, srv.Close())
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

func printTryLines(addr string) {
	fmt.Printf("serving on http://%s (Ctrl-C to stop). Try:\n", addr)
	fmt.Printf("  curl -v http://%s/hello\n", addr)
	fmt.Printf("  printf 'GET /hello HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | nc %s %s\n", hostOf(addr), portOf(addr))
	fmt.Printf("  curl -s -i -N --http1.1 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \\\n"+
		"       -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' http://%s/ws | od -c\n", addr)
	fmt.Println("  (the 101 answer carries Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, RFC 6455's example)")
}

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

func portOf(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return p
}
