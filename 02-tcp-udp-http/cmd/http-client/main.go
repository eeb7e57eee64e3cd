// Command http-client sends requests through one pooled http.Client and
// prints, from httptrace, whether each went over a reused keep-alive
// connection (连接池). Run it with -drain=false to see what closing a body
// without reading it does to the pool.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"os"
	"syscall"
	"time"

	"gatewaylab/02-tcp-udp-http/httpclient"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/hello", "URL to fetch")
	n := flag.Int("n", 3, "number of requests")
	drain := flag.Bool("drain", true, "read each body to the end before closing it")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, *url, *n, *drain); err != nil {
		fmt.Fprintln(os.Stderr, "http-client:", err)
		if errors.Is(err, syscall.ECONNREFUSED) {
			fmt.Fprintln(os.Stderr, "Is the server running?  go run ./02-tcp-udp-http/cmd/http-server")
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, n int, drain bool) error {
	client := httpclient.New(httpclient.DefaultConfig())
	defer client.CloseIdleConnections()
	fmt.Printf("GET %s, %d times, drain bodies: %v\n", url, n, drain)
	for i := 1; i <= n; i++ {
		if err := fetch(ctx, client, url, drain, i); err != nil {
			return err
		}
	}
	fmt.Println("Try next:")
	if drain {
		fmt.Println("  go run ./02-tcp-udp-http/cmd/http-client -drain=false   # close bodies unread: no reuse")
	} else {
		fmt.Println("  ss -tan state time-wait '( dport = :8080 )'   # the sockets each new connection left behind")
	}
	fmt.Println("  go run ./02-tcp-udp-http/cmd/http-client -n 10 -url 'http://127.0.0.1:8080/slow?d=100ms'")
	return nil
}

// fetch sends one request and reports the connection it used.
func fetch(ctx context.Context, client *http.Client, url string, drain bool, i int) error {
	var info httptrace.GotConnInfo
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(got httptrace.GotConnInfo) { info = got },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	if drain {
		err = httpclient.DrainAndClose(resp.Body, 0)
	} else {
		err = resp.Body.Close() // the mistake: the unread body costs the connection
	}
	if err != nil {
		return err
	}
	fmt.Printf("request %d: %s from %s, reused=%-5v in %v\n", i, resp.Status,
		info.Conn.LocalAddr(), info.Reused, time.Since(start).Round(time.Microsecond))
	return nil
}
