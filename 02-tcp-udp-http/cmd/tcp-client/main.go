// Command tcp-client sends lines to the tcp-server demo over one connection
// and prints each echo with its round-trip time. The local port stays the
// same: one TCP connection carries every line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpecho"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "server address")
	n := flag.Int("n", 3, "number of lines to send when none are given as arguments")
	timeout := flag.Duration("timeout", 5*time.Second, "timeout for the whole session")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: tcp-client [flags] [line ...]")
		flag.PrintDefaults()
	}
	flag.Parse()

	lines := flag.Args()
	for i := 1; len(flag.Args()) == 0 && i <= *n; i++ {
		lines = append(lines, fmt.Sprintf("hello %d", i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *addr, lines); err != nil {
		fmt.Fprintln(os.Stderr, "tcp-client:", err)
		if errors.Is(err, syscall.ECONNREFUSED) {
			fmt.Fprintln(os.Stderr, "Is the server running?  go run ./02-tcp-udp-http/cmd/tcp-server")
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, lines []string) error {
	conn, err := tcpecho.Dialer{}.Dial(ctx, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	fmt.Printf("connected to %s from %s\n", addr, conn.LocalAddr())
	for _, line := range lines {
		start := time.Now()
		reply, err := conn.Exchange(ctx, line)
		if err != nil {
			return err
		}
		fmt.Printf("sent %-12q got %-12q in %v\n", line, reply, time.Since(start).Round(time.Microsecond))
	}
	tooLong := strings.Repeat("x", tcpecho.DefaultMaxLineBytes)
	_, err = conn.Exchange(ctx, tooLong)
	fmt.Printf("a %d-byte line is refused before sending: %v\n", len(tooLong), err)
	fmt.Println(`Try next:
  go run ./02-tcp-udp-http/cmd/tcp-client "any text" "more text"
  go run ./02-tcp-udp-http/cmd/slow-client -proto tcp    # a client that drips bytes gets cut`)
	return nil
}
