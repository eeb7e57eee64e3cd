package forwardproxy

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const waitLimit = 5 * time.Second

// start serves a forward proxy on loopback and returns it with its URL.
func start(t *testing.T, cfg Config) (*Proxy, *url.URL) {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(p)
	srv.Config.RegisterOnShutdown(p.Close)
	srv.Start()
	t.Cleanup(func() { p.Close(); srv.Close() })
	u, _ := url.Parse(srv.URL)
	return p, u
}

// clientVia returns an HTTP client that uses proxy for every request, as curl -x does.
func clientVia(proxy *url.URL, tlsConf *tls.Config) *http.Client {
	return &http.Client{
		Timeout:   waitLimit,
		Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: tlsConf},
	}
}

func TestPlainHTTPInAbsoluteForm(t *testing.T) {
	seen := make(chan http.Header, 1)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		w.Header().Set("Keep-Alive", "timeout=99")
		io.WriteString(w, "hello from origin")
	}))
	defer origin.Close()
	_, proxy := start(t, Config{})

	req, _ := http.NewRequest(http.MethodGet, origin.URL+"/page", nil)
	req.Header.Set("Proxy-Authorization", "Basic dTpw")
	req.Header.Set("Connection", "X-Private")
	req.Header.Set("X-Private", "for the proxy")
	res, err := clientVia(proxy, nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "hello from origin" {
		t.Fatalf("got %d %q", res.StatusCode, body)
	}
	h := <-seen
	for _, name := range []string{"Proxy-Authorization", "X-Private", "Proxy-Connection"} {
		if h.Get(name) != "" {
			t.Errorf("%s reached the origin", name)
		}
	}
	if res.Header.Get("Keep-Alive") != "" {
		t.Errorf("origin's Keep-Alive reached the client")
	}
}

func TestHTTPSThroughConnect(t *testing.T) {
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret over TLS")
	}))
	defer origin.Close()
	_, proxy := start(t, Config{})
	pool := origin.Client().Transport.(*http.Transport).TLSClientConfig
	res, err := clientVia(proxy, pool).Get(origin.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "secret over TLS" {
		t.Fatalf("body %q", body)
	}
	if res.TLS == nil {
		t.Fatal("response did not come over TLS end to end")
	}
}

func TestRefusesClientsOutsideAllowList(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("origin reached by a refused client")
	}))
	defer origin.Close()
	_, proxy := start(t, Config{AllowClients: []string{"10.0.0.0/8"}}) // we connect from 127.0.0.1
	res, err := clientVia(proxy, nil).Get(origin.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", res.StatusCode)
	}
}

func TestBadAllowEntry(t *testing.T) {
	if _, err := New(Config{AllowClients: []string{"10.0.0.0/99"}}); err == nil || !strings.Contains(err.Error(), "10.0.0.0/99") {
		t.Errorf("New = %v, want an error naming the entry", err)
	}
}

// rawProxyRequest sends req byte for byte to the proxy and returns the reader and conn.
func rawProxyRequest(t *testing.T, proxy *url.URL, req string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.DialTimeout("tcp", proxy.Host, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(waitLimit))
	io.WriteString(c, req)
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatal(err)
	}
	return c, br, res
}

func TestRequestErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	_, proxy := start(t, Config{})
	tests := []struct {
		name string
		req  string
		want int
	}{
		{"origin form is not a proxy request", "GET /page HTTP/1.1\r\nHost: example.test\r\n\r\n", 400},
		{"https in absolute form needs CONNECT", "GET https://example.test/ HTTP/1.1\r\nHost: example.test\r\n\r\n", 400},
		{"connect without port", "CONNECT example.test HTTP/1.1\r\nHost: example.test\r\n\r\n", 400},
		{"connect refused", "CONNECT " + refused + " HTTP/1.1\r\nHost: " + refused + "\r\n\r\n", 502},
		{"plain request refused", "GET http://" + refused + "/ HTTP/1.1\r\nHost: " + refused + "\r\n\r\n", 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, res := rawProxyRequest(t, proxy, tt.req)
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
}

func TestConnectTunnelHalfCloseAndBufferedBytes(t *testing.T) {
	// A TCP origin that reads until EOF, then answers: it needs the tunnel to pass the
	// client's half-close on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		got, _ := io.ReadAll(c)
		io.WriteString(c, "read: "+string(got))
	}()
	_, proxy := start(t, Config{})
	addr := ln.Addr().String()
	// "early" rides in the same write as the CONNECT, as TLS clients that don't wait do.
	c, br, res := rawProxyRequest(t, proxy, "CONNECT "+addr+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\nearly ")
	if res.StatusCode != 200 {
		t.Fatalf("CONNECT status %d", res.StatusCode)
	}
	io.WriteString(c, "late")
	c.(*net.TCPConn).CloseWrite()
	answer, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	if string(answer) != "read: early late" {
		t.Errorf("answer %q, want %q", answer, "read: early late")
	}
}

func TestCloseEndsOpenTunnels(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			io.Copy(io.Discard, c)
		}
	}()
	p, proxy := start(t, Config{})
	addr := ln.Addr().String()
	_, br, res := rawProxyRequest(t, proxy, "CONNECT "+addr+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
	if res.StatusCode != 200 {
		t.Fatalf("CONNECT status %d", res.StatusCode)
	}
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	if _, err := br.ReadByte(); err == nil {
		t.Error("tunnel still open after Close")
	}
	select {
	case <-closed:
	case <-time.After(waitLimit):
		t.Fatal("Close did not return")
	}
	// New tunnels are refused once closed.
	_, _, res = rawProxyRequest(t, proxy, "CONNECT "+addr+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
	if res.StatusCode == 200 {
		t.Error("CONNECT accepted after Close")
	}
}
