// Command forward runs the forward proxy (package forwardproxy) on loopback, with a
// local HTTP origin and a local HTTPS origin to fetch through it (this machine may have
// no internet; everything stays on 127.0.0.1).
//
//	go run ./04-proxy/cmd/forward
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"gatewaylab/04-proxy/forwardproxy"
	"gatewaylab/04-proxy/internal/demo"
	"gatewaylab/04-proxy/tlsdev"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "where the forward proxy listens")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "forward:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	plain, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	origin := demo.NewServer(demo.Upstream("http-origin"))
	demo.Background(origin, plain)
	defer origin.Close()

	secure, caFile, stop, err := httpsOrigin()
	if err != nil {
		return err
	}
	defer stop()

	proxy, err := forwardproxy.New(forwardproxy.Config{}) // loopback clients only
	if err != nil {
		return err
	}
	ln, err := demo.Listen(addr)
	if err != nil {
		return err
	}
	srv := demo.NewServer(demo.LogRequests("proxy:", proxy))
	srv.RegisterOnShutdown(proxy.Close) // end open CONNECT tunnels on Ctrl-C
	p := "http://" + ln.Addr().String()
	fmt.Printf("forward proxy on %s (serves loopback clients only)\n", p)
	fmt.Printf("origins: http://%s (plain)  https://%s (TLS, CA in %s)\n\n", plain.Addr(), secure, caFile)
	fmt.Printf(`try, in another terminal:
  curl -s -x %[1]s http://%[2]s/page                                   # absolute-form GET, relayed
  curl -s -x %[1]s -H 'Proxy-Authorization: Basic dTpw' http://%[2]s/  # Proxy-* headers stop at the proxy
  curl -s -x %[1]s --cacert %[4]s https://%[3]s/secure                 # CONNECT tunnel: TLS end to end
  curl -s %[1]s/page                                                   # not a proxy request: 400
  curl -s -x %[1]s http://127.0.0.1:1/                                 # origin down: 502

`, p, plain.Addr(), secure, caFile)
	return demo.ServeUntilSignal(srv, ln, false)
}

// httpsOrigin starts a TLS origin with a development certificate; it returns its
// address, the CA file for curl and a function that stops it and removes the file.
func httpsOrigin() (addr, caFile string, stop func(), err error) {
	ca, err := tlsdev.NewCA("gatewaylab forward-proxy demo CA")
	if err != nil {
		return "", "", nil, err
	}
	cert, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		return "", "", nil, err
	}
	dir, err := os.MkdirTemp("", "gatewaylab-forward-")
	if err != nil {
		return "", "", nil, fmt.Errorf("make temp dir: %w", err)
	}
	files, err := tlsdev.WriteFiles(dir, ca, cert)
	if err != nil {
		return "", "", nil, err
	}
	ln, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	srv := demo.NewServer(demo.Upstream("https-origin"))
	srv.TLSConfig = tlsdev.ServerConfig(cert)
	go func() {
		if err := srv.ServeTLS(ln, "", ""); err != nil && err != http.ErrServerClosed {
			fmt.Fprintln(os.Stderr, "https origin:", err)
		}
	}()
	return ln.Addr().String(), filepath.Join(dir, filepath.Base(files.CACert)), func() {
		srv.Close()
		os.RemoveAll(dir)
	}, nil
}
