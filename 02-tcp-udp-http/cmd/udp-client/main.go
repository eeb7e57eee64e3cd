// Command udp-client sends numbered requests to the udp-server demo. Each
// attempt waits a bounded time for its reply; a lost request or reply is
// retried with a doubled wait, and after the last attempt the client gives up
// with a clear error instead of hanging.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"gatewaylab/02-tcp-udp-http/udp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9091", "server address")
	n := flag.Int("n", 5, "number of requests")
	attempts := flag.Int("attempts", 4, "attempts per request")
	timeout := flag.Duration("timeout", 200*time.Millisecond, "wait for the first attempt's reply; doubles per retry")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, *addr, *n, *attempts, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "udp-client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, n, attempts int, timeout time.Duration) error {
	var failed int
	for i := 1; i <= n; i++ {
		tries := 1
		client := udp.Client{
			Attempts: attempts,
			Timeout:  timeout,
			OnRetry: func(attempt int, err error) {
				tries = attempt
				fmt.Printf("  attempt %d failed (%v); retrying\n", attempt-1, err)
			},
		}
		msg := fmt.Sprintf("ping %d", i)
		start := time.Now()
		reply, err := client.Exchange(ctx, addr, []byte(msg))
		if err != nil {
			failed++
			fmt.Printf("%s: %v\n", msg, err)
			if ctx.Err() != nil || !errors.Is(err, udp.ErrNoReply) {
				return err
			}
			continue
		}
		fmt.Printf("%s: reply %q after %d attempt(s), %v\n", msg, reply, tries, time.Since(start).Round(time.Microsecond))
	}
	fmt.Printf("%d of %d requests answered\n", n-failed, n)
	if failed == n {
		fmt.Println("No replies at all: is the server running?  go run ./02-tcp-udp-http/cmd/udp-server")
	}
	fmt.Println(`Try next:
  go run ./02-tcp-udp-http/cmd/udp-server -loss 0.5     # then run this client again
  go run ./02-tcp-udp-http/cmd/udp-client -attempts 1   # no retries: lost means failed`)
	return nil
}
