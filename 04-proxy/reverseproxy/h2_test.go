package reverseproxy_test

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/04-proxy/tlsdev"
)

// seenProto is what the upstream reports about the request that reached it.
type seenProto struct {
	proto string
	tls   bool
}

// protoUpstream answers with a trailer and reports the protocol it was spoken to in.
func protoUpstream(seen chan<- seenProto) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		seen <- seenProto{r.Proto, r.TLS != nil}
		w.Header().Set("Trailer", "Grpc-Status")
		io.WriteString(w, "ok")
		w.Header().Set("Grpc-Status", "0")
	}
}

func newCA(t *testing.T) *tlsdev.CA {
	t.Helper()
	ca, err := tlsdev.NewCA("reverseproxy test CA")
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func issue(t *testing.T, ca *tlsdev.CA) tls.Certificate {
	t.Helper()
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func mustProxy(t *testing.T, cfg reverseproxy.Config) *reverseproxy.Proxy {
	t.Helper()
	p, err := reverseproxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustTransport(t *testing.T, cfg reverseproxy.TransportConfig) *http.Transport {
	t.Helper()
	tr, err := reverseproxy.NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTLSTerminationH2ClientToH2CUpstream: the client speaks HTTP/2 over TLS (ALPN h2)
// to the proxy, which speaks cleartext HTTP/2 (h2c) to the upstream, as in front of a
// gRPC server without TLS. Both sides' protocols are asserted, and the trailer survives.
func TestTLSTerminationH2ClientToH2CUpstream(t *testing.T) {
	seen := make(chan seenProto, 1)
	up := httptest.NewUnstartedServer(protoUpstream(seen))
	up.Config.Protocols = new(http.Protocols)
	up.Config.Protocols.SetUnencryptedHTTP2(true)
	up.Start()
	defer up.Close()

	ca := newCA(t)
	proxy := mustProxy(t, reverseproxy.Config{
		Target:    mustURL(t, up.URL),
		Transport: mustTransport(t, reverseproxy.TransportConfig{Protocol: reverseproxy.H2C}),
	})
	front := httptest.NewUnstartedServer(proxy)
	front.TLS = tlsdev.ServerConfig(issue(t, ca))
	front.EnableHTTP2 = true
	front.StartTLS()
	defer front.Close()

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: ca.ClientConfig(), ForceAttemptHTTP2: true,
	}}
	res, err := client.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Proto != "HTTP/2.0" || res.TLS.NegotiatedProtocol != "h2" {
		t.Errorf("client side: %s via ALPN %q, want HTTP/2.0 via h2", res.Proto, res.TLS.NegotiatedProtocol)
	}
	if got := <-seen; got.proto != "HTTP/2.0" || got.tls {
		t.Errorf("upstream side: %+v, want HTTP/2.0 without TLS (h2c)", got)
	}
	if string(body) != "ok" || res.Trailer.Get("Grpc-Status") != "0" {
		t.Errorf("body %q trailer %q", body, res.Trailer.Get("Grpc-Status"))
	}
}

// TestHTTP1ClientToH2TLSUpstream: a plain HTTP/1.1 client, and an upstream that speaks
// HTTP/2 over TLS with a certificate from a private CA the transport is told to trust.
func TestHTTP1ClientToH2TLSUpstream(t *testing.T) {
	seen := make(chan seenProto, 1)
	ca := newCA(t)
	up := httptest.NewUnstartedServer(protoUpstream(seen))
	up.TLS = tlsdev.ServerConfig(issue(t, ca))
	up.EnableHTTP2 = true
	up.StartTLS()
	defer up.Close()

	proxy := mustProxy(t, reverseproxy.Config{
		Target: mustURL(t, up.URL),
		Transport: mustTransport(t, reverseproxy.TransportConfig{
			Protocol: reverseproxy.HTTP2, TLS: ca.ClientConfig(),
		}),
	})
	front := httptest.NewServer(proxy)
	defer front.Close()
	res, err := http.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Proto != "HTTP/1.1" {
		t.Errorf("client side: %s", res.Proto)
	}
	if got := <-seen; got.proto != "HTTP/2.0" || !got.tls {
		t.Errorf("upstream side: %+v, want HTTP/2.0 over TLS", got)
	}
}

// TestUntrustedUpstreamCertificate: an upstream whose certificate the transport does not
// trust is a 502, not a silent downgrade or an InsecureSkipVerify.
func TestUntrustedUpstreamCertificate(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	proxy := mustProxy(t, reverseproxy.Config{
		Target:    mustURL(t, up.URL),
		Transport: mustTransport(t, reverseproxy.TransportConfig{TLS: newCA(t).ClientConfig()}),
	})
	front := httptest.NewServer(proxy)
	defer front.Close()
	res, err := http.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502", res.StatusCode)
	}
}

// TestH2CFrontend: the proxy itself accepts cleartext HTTP/2 with prior knowledge, so
// one port can carry REST and gRPC without TLS inside a cluster.
func TestH2CFrontend(t *testing.T) {
	seen := make(chan seenProto, 1)
	up := httptest.NewServer(protoUpstream(seen))
	defer up.Close()
	front := httptest.NewUnstartedServer(mustProxy(t, reverseproxy.Config{Target: mustURL(t, up.URL)}))
	front.Config.Protocols = new(http.Protocols)
	front.Config.Protocols.SetHTTP1(true)
	front.Config.Protocols.SetUnencryptedHTTP2(true)
	front.Start()
	defer front.Close()

	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Protocols: &p}}
	res, err := client.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Proto != "HTTP/2.0" {
		t.Errorf("client side %s, want HTTP/2.0 (h2c)", res.Proto)
	}
	if got := <-seen; got.proto != "HTTP/1.1" {
		t.Errorf("upstream side %s, want HTTP/1.1 (the default upstream protocol)", got.proto)
	}
}

func TestNewValidatesTarget(t *testing.T) {
	for _, raw := range []string{"ftp://x", "http://", "/relative"} {
		if _, err := reverseproxy.New(reverseproxy.Config{Target: mustURL(t, raw)}); err == nil {
			t.Errorf("New(%q) accepted", raw)
		}
	}
	if _, err := reverseproxy.New(reverseproxy.Config{}); err == nil {
		t.Error("New without target accepted")
	}
	if _, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{Protocol: "spdy"}); err == nil {
		t.Error("unknown protocol accepted")
	}
}

// TestOnErrorReachesTheCaller: the hook sees the error and the status the client got,
// and the writer the proxy was called with (so a caller can find its wrapper).
func TestOnErrorReachesTheCaller(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	type report struct {
		status int
		err    error
		w      http.ResponseWriter
	}
	got := make(chan report, 1)
	proxy := mustProxy(t, reverseproxy.Config{
		Target: &url.URL{Scheme: "http", Host: dead},
		OnError: func(w http.ResponseWriter, r *http.Request, err error, status int) {
			got <- report{status, err, w}
		},
	})
	rec := httptest.NewRecorder()
	proxy.ServeHTTP(rec, httptest.NewRequest("GET", "http://gw/", nil))
	r := <-got
	if r.status != 502 || r.err == nil || r.w != rec || rec.Code != 502 {
		t.Errorf("hook got %+v; client got %d", r, rec.Code)
	}
}
