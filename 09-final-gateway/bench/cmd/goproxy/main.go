// Command goproxy is the smallest production-grade Go proxy: stage 04's reverse proxy
// with round robin over the backends, and either net/http's Transport or stage 04's
// lean HTTP/1.1 transport underneath. The benchmark runs both to show what the
// transport alone is worth, apart from routing and middleware.
//
//	goproxy -listen 127.0.0.1:18601 -backends 127.0.0.1:18001,127.0.0.1:18002 -transport lean
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/04-proxy/leanproxy"
	"gatewaylab/04-proxy/reverseproxy"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18601", "address to serve")
	backends := flag.String("backends", "127.0.0.1:18001,127.0.0.1:18002", "comma-separated backend addresses")
	transport := flag.String("transport", "std", "upstream transport: std (net/http) or lean (stage 04 leanproxy)")
	flag.Parse()
	if err := run(*listen, strings.Split(*backends, ","), *transport); err != nil {
		fmt.Fprintln(os.Stderr, "goproxy:", err)
		os.Exit(1)
	}
}

func run(listen string, backends []string, kind string) error {
	std, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{})
	if err != nil {
		return err
	}
	var base http.RoundTripper = std
	switch kind {
	case "std":
	case "lean":
		base = leanproxy.New(std)
	default:
		return fmt.Errorf("unknown -transport %q (want std or lean)", kind)
	}
	p, err := reverseproxy.New(reverseproxy.Config{
		Target:    &url.URL{Scheme: "http", Host: "backends"},
		Transport: &roundRobin{base: base, addrs: backends},
	})
	if err != nil {
		return err
	}
	srv := httpserver.New(httpserver.Config{ReadTimeout: -1, WriteTimeout: -1}, p, nil) // no per-request deadlines, as the gateway
	srv.Addr = listen
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// roundRobin sends each request to the next backend.
type roundRobin struct {
	base  http.RoundTripper
	addrs []string
	next  atomic.Uint64
}

func (r *roundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	req.URL.Host = r.addrs[(r.next.Add(1)-1)%uint64(len(r.addrs))]
	return r.base.RoundTrip(req)
}
