// Command https terminates TLS in front of an HTTP/2 upstream: clients speak HTTP/2 (or
// HTTP/1.1) over TLS to the proxy, with a certificate from a development CA made at
// start; the proxy speaks cleartext HTTP/2 (h2c) to the upstream, as it would to a gRPC
// server inside a cluster. Nothing is read from or written to the repository: the CA
// certificate goes to a temporary directory for curl's --cacert.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"gatewaylab/04-proxy/internal/demo"
	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/04-proxy/tlsdev"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "where the TLS proxy listens")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "https:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	// The upstream speaks HTTP/2 without TLS (h2c, prior knowledge) and HTTP/1.1.
	upLn, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	upstream := demo.NewServer(demo.Upstream("h2c-upstream"))
	upstream.Protocols = new(http.Protocols)
	upstream.Protocols.SetHTTP1(true)
	upstream.Protocols.SetUnencryptedHTTP2(true)
	demo.Background(upstream, upLn)
	defer upstream.Close()

	transport, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{Protocol: reverseproxy.H2C})
	if err != nil {
		return err
	}
	proxy, err := reverseproxy.New(reverseproxy.Config{
		Target:    &url.URL{Scheme: "http", Host: upLn.Addr().String()},
		Transport: transport,
	})
	if err != nil {
		return err
	}

	tlsConf, caFile, err := devTLS()
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(caFile))
	ln, err := demo.Listen(addr)
	if err != nil {
		return err
	}
	srv := demo.NewServer(demo.LogRequests("proxy:", logProto(proxy)))
	srv.TLSConfig = tlsConf
	base := "https://" + ln.Addr().String()
	fmt.Printf("TLS proxy on %s (HTTP/2 and HTTP/1.1 via ALPN) -> h2c upstream %s\n", base, upLn.Addr())
	fmt.Printf("development CA certificate: %s (valid %s, made for this run only)\n\n", caFile, tlsdev.Validity)
	fmt.Printf(`try, in another terminal:
  curl -s --cacert %[2]s %[1]s/hello                 # HTTP/2 to the proxy, h2c to the upstream
  curl -s --cacert %[2]s --http1.1 %[1]s/hello       # HTTP/1.1 to the proxy, still h2c upstream
  curl -s -o /dev/null -w '%%{http_version}\n' --cacert %[2]s %[1]s/   # prints 2
  curl -s %[1]s/                                      # fails: curl does not trust the development CA

`, base, caFile)
	return demo.ServeUntilSignal(srv, ln, true)
}

// devTLS makes a CA and a certificate for 127.0.0.1 and localhost, and writes the CA
// certificate to a temporary directory.
func devTLS() (*tls.Config, string, error) {
	ca, err := tlsdev.NewCA("gatewaylab https demo CA")
	if err != nil {
		return nil, "", err
	}
	cert, err := ca.Issue("127.0.0.1", "localhost", "::1")
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", "gatewaylab-https-")
	if err != nil {
		return nil, "", fmt.Errorf("make temp dir: %w", err)
	}
	files, err := tlsdev.WriteFiles(dir, ca, cert)
	if err != nil {
		return nil, "", err
	}
	return tlsdev.ServerConfig(cert), files.CACert, nil
}

// logProto prints the protocol each request arrived in.
func logProto(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("client -> proxy: %s over TLS (ALPN %q)\n", r.Proto, r.TLS.NegotiatedProtocol)
		next.ServeHTTP(w, r)
	})
}
