// Command echo-server is a framed echo server: every frame it receives comes
// back as a reply. Run it, then talk to it with echo-client or nc.
//
//	go run ./03-unpack/cmd/echo-server                      # length-prefixed
//	go run ./03-unpack/cmd/echo-server -framing delimited   # one line = one frame
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/03-unpack/framed"
	"gatewaylab/03-unpack/internal/democli"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "echo-server:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:9090", "listen address (loopback by default)")
	idle := flag.Duration("idle", framed.DefaultIdleTimeout, "close connections idle this long")
	newCodec := democli.CodecFlags(flag.CommandLine)
	flag.Parse()
	c, err := newCodec()
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &framed.Server{
		Codec:           c,
		Handler:         framed.Echo(),
		IdleTimeout:     *idle,
		ShutdownTimeout: 5 * time.Second,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	fmt.Printf("framed echo server, %v, listening on %s (Ctrl-C to stop)\n", c, ln.Addr())
	printTryNext(ln.Addr().String(), flag.Lookup("framing").Value.String())
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Println("server stopped: listener closed, connections drained")
	return nil
}

// printTryNext shows commands that talk to this server.
func printTryNext(addr, framing string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, ""
	}
	fmt.Println("try, in another terminal:")
	fmt.Printf("  go run ./03-unpack/cmd/echo-client -addr %s -framing %s -msg hello -n 3\n", addr, framing)
	switch framing {
	case "length":
		fmt.Printf("  printf '12345678\\0\\0\\0\\5hello' | nc -q1 %s %s | od -c          # a frame by hand\n", host, port)
		fmt.Printf("  printf '12345678\\377\\377\\377\\377' | nc -q1 %s %s               # claims 4 GiB: refused, see the log\n", host, port)
		fmt.Printf("  printf 'GET / HTTP/1.1\\r\\n\\r\\n' | nc -q1 %s %s                  # wrong protocol: bad magic\n", host, port)
	case "delimited":
		fmt.Printf("  printf 'hello\\nsticky\\npackets\\n' | nc -q1 %s %s   # three lines, one write, three frames\n", host, port)
		fmt.Printf("  nc %s %s                                           # type lines yourself\n", host, port)
	}
}
