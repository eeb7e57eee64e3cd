// Command handmade runs the hand-built reverse proxy of package handmade in front of a
// demo upstream that echoes what reached it, so you can see what each step changes.
//
//	go run ./04-proxy/cmd/handmade            # step 2, the correct proxy
//	go run ./04-proxy/cmd/handmade -step 1    # step 1, the minimal copy
package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"gatewaylab/04-proxy/handmade"
	"gatewaylab/04-proxy/internal/demo"
)

func main() {
	step := flag.Int("step", 2, "1: the minimal copy; 2: the correct proxy")
	addr := flag.String("addr", "127.0.0.1:8081", "where the proxy listens")
	upstream := flag.String("upstream", "", "proxy to this URL instead of the demo upstream (try http://127.0.0.1:1)")
	flag.Parse()
	if err := run(*step, *addr, *upstream); err != nil {
		fmt.Fprintln(os.Stderr, "handmade:", err)
		os.Exit(1)
	}
}

func run(step int, addr, upstream string) error {
	target, err := upstreamURL(upstream)
	if err != nil {
		return err
	}
	var proxy http.Handler
	switch step {
	case 1:
		proxy = &handmade.Minimal{Target: target}
	case 2:
		proxy = &handmade.Proxy{Target: target}
	default:
		return fmt.Errorf("-step must be 1 or 2, not %d", step)
	}
	ln, err := demo.Listen(addr)
	if err != nil {
		return err
	}
	srv := demo.NewServer(demo.LogRequests("proxy:", proxy))
	base := "http://" + ln.Addr().String()
	fmt.Printf("hand-built reverse proxy, step %d, on %s -> upstream %s\n\n", step, base, target)
	fmt.Printf(`try, in another terminal:
  curl -s %[1]s/hello                                              # what the upstream saw
  curl -s -H 'Connection: X-Secret' -H 'X-Secret: hop' %[1]s/   # step 1 forwards X-Secret, step 2 drops it
  curl -s -H 'X-Forwarded-For: 6.6.6.6' %[1]s/                     # a spoofed client address
  curl -sN %[1]s/events                                            # step 1 buffers the stream, step 2 flushes each event
  go run ./04-proxy/cmd/handmade -step %[2]d -addr 127.0.0.1:8082 -upstream http://127.0.0.1:1   # then curl it: 502

`, base, step)
	return demo.ServeUntilSignal(srv, ln, false)
}

// upstreamURL returns raw parsed, or starts the demo upstream on a free port.
func upstreamURL(raw string) (*url.URL, error) {
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parse -upstream: %w", err)
		}
		return u, nil
	}
	ln, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	demo.Background(demo.NewServer(demo.Upstream("upstream")), ln)
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}, nil
}
