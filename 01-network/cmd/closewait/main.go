// Closewait shows the CLOSE_WAIT leak: clients hang up on a server that
// forgets to Close, and their sockets pile up in CLOSE_WAIT on the server's
// side; the fixed server leaves none. Counts come from /proc/net/tcp.
//
// Usage:
//
//	go run ./01-network/cmd/closewait              # the scripted comparison
//	go run ./01-network/cmd/closewait -listen 127.0.0.1:9090 [-forget=false]
//	                                               # serve until Ctrl-C; poke it with nc
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/01-network/closewait"
	"gatewaylab/01-network/sockstate"
)

func main() {
	listen := flag.String("listen", "", "serve on this address until Ctrl-C instead of running the script")
	forget := flag.Bool("forget", true, "with -listen: reproduce the bug (never Close)")
	clients := flag.Int("clients", 5, "how many clients hang up in the script")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *listen != "" {
		err = serve(ctx, *listen, *forget)
	} else {
		err = script(ctx, *clients)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "closewait:", err)
		os.Exit(1)
	}
}

// serve runs one server until ctx is done, for exploring with nc and ss.
func serve(ctx context.Context, addr string, forget bool) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &closewait.Server{ForgetClose: forget, OnHangup: func(a net.Addr) {
		fmt.Printf("client %v hung up; ForgetClose=%v\n", a, forget)
	}}
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return err
	}
	fmt.Printf("echo server on %v, ForgetClose=%v. Ctrl-C stops it (and closes what it leaked).\n", ln.Addr(), forget)
	fmt.Printf("try:  nc 127.0.0.1 %s      (type a line, see it echoed, then Ctrl-C nc)\n", port)
	fmt.Printf("then: ss -tan state close-wait '( sport = :%s )'\n", port)
	return srv.Serve(ctx, ln)
}

// script runs the leaky and the fixed server side by side.
func script(ctx context.Context, clients int) error {
	if _, err := sockstate.Snapshot(); errors.Is(err, errors.ErrUnsupported) {
		fmt.Println("closewait cannot count socket states here:", err)
		fmt.Println("Run it on Linux, or use -listen and watch with netstat -an.")
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, forget := range []bool{true, false} {
		if err := compare(ctx, forget, clients); err != nil {
			return err
		}
	}
	fmt.Println("\nTry it by hand: go run ./01-network/cmd/closewait -listen 127.0.0.1:9090")
	return nil
}
