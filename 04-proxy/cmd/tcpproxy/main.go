// Command tcpproxy runs the TCP (L4) proxy in front of two line-echo upstreams (stage
// 02's tcpecho), choosing an upstream per connection in turn, or in front of any TCP
// service you name (a redis-server, say).
//
//	go run ./04-proxy/cmd/tcpproxy
//	go run ./04-proxy/cmd/tcpproxy -upstream 127.0.0.1:6379   # then: redis-cli -p 9000 ping
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpecho"
	"gatewaylab/02-tcp-udp-http/tcpserver"
	"gatewaylab/04-proxy/tcpproxy"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "where the proxy listens")
	upstream := flag.String("upstream", "", "proxy to this host:port instead of the two demo echo servers")
	maxConns := flag.Int("max-conns", 100, "connections served at once")
	flag.Parse()
	if err := run(*addr, *upstream, *maxConns); err != nil {
		fmt.Fprintln(os.Stderr, "tcpproxy:", err)
		os.Exit(1)
	}
}

func run(addr, upstream string, maxConns int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	targets := []string{upstream}
	if upstream == "" {
		a, stopA, err := echoUpstream()
		if err != nil {
			return err
		}
		defer stopA()
		b, stopB, err := echoUpstream()
		if err != nil {
			return err
		}
		defer stopB()
		targets = []string{a, b}
	}
	proxy, err := tcpproxy.New(tcpproxy.Config{Upstream: roundRobin(targets), IdleTimeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := tcpproxy.NewServer(proxy, maxConns)
	fmt.Printf("TCP proxy on %s -> %v (one upstream per connection, in turn; at most %d connections)\n\n", ln.Addr(), targets, maxConns)
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return err
	}
	fmt.Printf(`try, in another terminal (this log shows which upstream each connection got):
  printf 'hello\n' | nc -q1 %[1]s %[2]s     # first connection: the first upstream
  printf 'hello\n' | nc -q1 %[1]s %[2]s     # second connection: the other one
  nc %[1]s %[2]s                            # type lines; Ctrl-C there to end the session
  go run ./04-proxy/cmd/tcpproxy -addr 127.0.0.1:9001 -upstream 127.0.0.1:1   # then nc it: closed at once, see the log

`, host, port)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Println("\nshutting down: open sessions get 5 s to finish, then are closed")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// roundRobin picks the targets in turn and prints each choice.
func roundRobin(targets []string) tcpproxy.Upstream {
	var n atomic.Uint64
	return func(_ context.Context, client net.Conn) (string, func(error), error) {
		addr := targets[(n.Add(1)-1)%uint64(len(targets))]
		fmt.Printf("client %s -> upstream %s\n", client.RemoteAddr(), addr)
		return addr, func(err error) {
			if err != nil {
				fmt.Printf("client %s: upstream %s failed: %v\n", client.RemoteAddr(), addr, err)
				return
			}
			fmt.Printf("client %s: session ended\n", client.RemoteAddr())
		}, nil
	}
}

// echoUpstream starts a line-echo server on a free port.
func echoUpstream() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &tcpserver.Server{Handler: tcpecho.Handler{}}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, tcpserver.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "echo upstream:", err)
		}
	}()
	return ln.Addr().String(), func() {
		if err := srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close echo upstream:", err)
		}
	}, nil
}
