// Command slow-client plays a slowloris: it opens a connection and sends a
// request one byte per interval, never finishing it. A server with a
// whole-message deadline (ReadHeaderTimeout for HTTP, ReadTimeout for
// tcpserver) hangs up on it; one without would keep a goroutine and a socket
// for it forever.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"gatewaylab/02-tcp-udp-http/slowclient"
)

func main() {
	proto := flag.String("proto", "http", "http (against http-server) or tcp (against tcp-server)")
	addr := flag.String("addr", "", "server address (default 127.0.0.1:8080 for http, 127.0.0.1:9090 for tcp)")
	interval := flag.Duration("interval", 500*time.Millisecond, "pause between bytes")
	limit := flag.Duration("give-up", time.Minute, "stop if the server has not cut us by then")
	flag.Parse()

	payload, defaultAddr, err := plan(*proto)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slow-client:", err)
		os.Exit(2)
	}
	if *addr == "" {
		*addr = defaultAddr
	}
	ctx, cancel := context.WithTimeout(context.Background(), *limit)
	defer cancel()
	if err := run(ctx, *addr, payload, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "slow-client:", err)
		fmt.Fprintln(os.Stderr, "Is the server running?  go run ./02-tcp-udp-http/cmd/"+*proto+"-server")
		os.Exit(1)
	}
	fmt.Println("Try next:")
	if *proto == "http" {
		fmt.Println("  go run ./02-tcp-udp-http/cmd/http-server -read-header-timeout 2s   # restart the server, then run this again")
		fmt.Println("  go run ./02-tcp-udp-http/cmd/slow-client -proto tcp               # the same attack on tcp-server")
	} else {
		fmt.Println("  go run ./02-tcp-udp-http/cmd/tcp-server -read 3s    # restart the server, then run this again")
		fmt.Println("  go run ./02-tcp-udp-http/cmd/slow-client            # the same attack on http-server")
	}
}

// plan returns a message that would take minutes to send at this pace.
func plan(proto string) (payload []byte, addr string, err error) {
	switch proto {
	case "http":
		return []byte("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + strings.Repeat("z", 1000) + "\r\n\r\n"), "127.0.0.1:8080", nil
	case "tcp":
		return []byte(strings.Repeat("z", 1000) + "\n"), "127.0.0.1:9090", nil
	}
	return nil, "", fmt.Errorf("-proto %q: want http or tcp", proto)
}

func run(ctx context.Context, addr string, payload []byte, interval time.Duration) error {
	fmt.Printf("slowloris against %s: %d bytes, one every %v (that would take %v)\n",
		addr, len(payload), interval, time.Duration(len(payload))*interval)
	fmt.Print("one dot per byte accepted: ")
	res, err := slowclient.Run(ctx, addr, slowclient.Plan{
		Payload:  payload,
		Interval: interval,
		Progress: func(int) { fmt.Print(".") },
	})
	fmt.Println()
	if err != nil {
		return err
	}
	fmt.Printf("the server closed the connection after %v, %d of %d bytes sent", res.Elapsed.Round(100*time.Millisecond), res.Sent, len(payload))
	if len(res.Reply) > 0 {
		fmt.Printf("; it said %q", res.Reply)
	}
	fmt.Println()
	return nil
}
