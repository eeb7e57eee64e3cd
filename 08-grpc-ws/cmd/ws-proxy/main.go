// Command ws-proxy runs the WebSocket side of the stage on loopback: two echo servers
// and a broadcast (chat) server as backends, and one front port where stage 08's
// WebSocket proxy balances /echo per connection, proxies /chat, and stage 04's byte-level
// reverse proxy carries /raw/echo. It runs until Ctrl-C, then closes every WebSocket
// with 1001 "going away" after a short grace period instead of cutting it.
//
//	go run ./08-grpc-ws/cmd/ws-proxy
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

type options struct {
	addr  string
	grace time.Duration
	ping  time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8404", "front address")
	flag.DurationVar(&o.grace, "grace", 2*time.Second, "on shutdown, how long open WebSockets may end by themselves before 1001")
	flag.DurationVar(&o.ping, "ping", 15*time.Second, "how often the proxy pings each side of a WebSocket (心跳)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		slog.Error("ws-proxy", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	fmt.Println("== WebSocket proxy demo: echo x2 and chat backends behind one front port")
	bs, err := startBackends()
	if err != nil {
		return err
	}
	defer bs.shutdown()
	f, err := startFront(o, bs)
	if err != nil {
		return err
	}
	printTryLines(f.addr)
	<-ctx.Done()
	fmt.Printf("\nshutting down: new WebSockets refused; open ones get %v, then 1001 going away\n", o.grace)
	return f.shutdown()
}

func printTryLines(addr string) {
	client := "go run ./08-grpc-ws/cmd/ws-client"
	fmt.Printf(`
try, from /work/main in another terminal:
  %[1]s -url ws://%[2]s/echo hello world      # twice: connections alternate echo-1, echo-2
  %[1]s -url ws://%[2]s/echo "close 4000 bye" # the backend's close code reaches you through the proxy
  %[1]s -url ws://%[2]s/chat                  # in two terminals: type lines, both see them (Ctrl-D ends)
  %[1]s -url ws://%[2]s/echo -origin https://evil.example  # a foreign page's Origin is refused (403)
  %[1]s -url ws://%[2]s/raw/echo hi           # the byte-level path: stage 04's reverse proxy passes the upgrade
`, client, addr)
	if _, err := exec.LookPath("websocat"); err == nil {
		fmt.Printf("  websocat ws://%s/echo                     # websocat is installed: type lines\n", addr)
	}
	fmt.Println("Leave a chat client open and press Ctrl-C here: it receives 1001 going away.")
}
