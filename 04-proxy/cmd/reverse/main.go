// Command reverse runs the production reverse proxy (package reverseproxy) in front of a
// demo upstream that echoes what reached it.
//
//	go run ./04-proxy/cmd/reverse                    # trusts no proxy in front of it
//	go run ./04-proxy/cmd/reverse -trust 127.0.0.1   # believes X-Forwarded-For from loopback
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/internal/demo"
	"gatewaylab/04-proxy/reverseproxy"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "where the proxy listens")
	trust := flag.String("trust", "", "comma-separated CIDRs of proxies in front of this one whose X-Forwarded-For is believed")
	flag.Parse()
	if err := run(*addr, *trust); err != nil {
		fmt.Fprintln(os.Stderr, "reverse:", err)
		os.Exit(1)
	}
}

func run(addr, trustList string) error {
	var trust *forwarded.Trust
	if trustList != "" {
		t, err := forwarded.ParseTrust(strings.Split(trustList, ",")...)
		if err != nil {
			return fmt.Errorf("-trust: %w", err)
		}
		trust = t
	}
	upLn, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	upstream := demo.NewServer(demo.Upstream("upstream"))
	demo.Background(upstream, upLn)
	defer upstream.Close()
	target := &url.URL{Scheme: "http", Host: upLn.Addr().String(), Path: "/"}

	proxy, err := reverseproxy.New(reverseproxy.Config{Target: target, Trust: trust})
	if err != nil {
		return err
	}
	ln, err := demo.Listen(addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Printf("production reverse proxy on %s -> %s (trusted proxies: %q)\n\n", base, target, trustList)
	fmt.Printf(`try, in another terminal:
  curl -s '%[1]s/hello?x=1'                                 # what the upstream saw
  curl -s -H 'X-Forwarded-For: 6.6.6.6' %[1]s/              # believed only with -trust 127.0.0.1
  curl -s -H 'Connection: Upgrade, HTTP2-Settings' -H 'Upgrade: h2c' %[1]s/   # h2c upgrade is not passed on
  curl -sN %[1]s/events                                     # server-sent events, flushed one by one
  curl -si %[1]s/events -o /dev/null -w '%%{http_code}\n'    # status only

`, base)
	return demo.ServeUntilSignal(demo.NewServer(demo.LogRequests("proxy:", proxy)), ln, false)
}
