package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"

	"gatewaylab/04-proxy/tlsdev"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/wsserver"
	"gatewaylab/09-final-gateway/internal/freeport"
)

// received is what an HTTP backend got, as it saw it. The backend answers with it as
// JSON, and keeps it for the test to look up.
type received struct {
	Backend  string      `json:"backend"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"raw_query"`
	Proto    string      `json:"proto"`
	TLS      bool        `json:"tls"`
	Header   http.Header `json:"header"`
	Body     string      `json:"body"`
}

// backendMode is the protocol an HTTP backend speaks.
type backendMode int

const (
	plainHTTP1  backendMode = iota // HTTP/1.1
	cleartextH2                    // HTTP/1.1 and h2c with prior knowledge
	tlsH2                          // TLS, HTTP/2 by ALPN
)

// httpBackend is a real upstream that records every request and answers with a JSON
// report of what it received (header X-Backend names it). Tests steer it:
//
//	/healthz          answers HealthStatus (200 by default); not recorded
//	.../hold...       waits until Release (or the client goes away)
//	.../slow?d=DUR    answers after DUR (or when the client goes away)
//	anything else     answers Status (200 by default)
type httpBackend struct {
	name   string
	addr   string
	mode   backendMode
	ca     *tlsdev.CA
	CAFile string // tlsH2: the CA certificate the gateway must trust

	Status       atomic.Int32 // answer status; 0 is 200
	HealthStatus atomic.Int32 // /healthz status; 0 is 200
	Delay        atomic.Int64 // nanoseconds added before every answer
	Probes       atomic.Int64 // /healthz requests served

	mu      sync.Mutex
	got     []received
	release chan struct{}
	arrived chan string // paths of held requests, as they arrive
	srv     *http.Server
	serving chan struct{} // closed when Serve returns
}

func newHTTPBackend(t testing.TB, name string, mode backendMode) *httpBackend {
	t.Helper()
	b := &httpBackend{name: name, mode: mode, release: make(chan struct{}), arrived: make(chan string, 100)}
	if mode == tlsH2 {
		b.setupTLS(t)
	}
	b.listen(t, "127.0.0.1:0")
	t.Cleanup(b.Kill)
	return b
}

// setupTLS makes the backend's CA and writes its certificate for the gateway's ca_file.
func (b *httpBackend) setupTLS(t testing.TB) {
	t.Helper()
	ca, err := tlsdev.NewCA("e2e backend CA " + b.name)
	if err != nil {
		t.Fatal(err)
	}
	b.ca = ca
	b.CAFile = filepath.Join(t.TempDir(), "backend-ca.pem")
	if err := os.WriteFile(b.CAFile, ca.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// listen starts serving on addr.
func (b *httpBackend) listen(t testing.TB, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("backend %s: %v", b.name, err)
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second, Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP1(true)
	switch b.mode {
	case cleartextH2:
		srv.Protocols.SetUnencryptedHTTP2(true)
	case tlsH2:
		srv.Protocols.SetHTTP2(true)
		cert, err := b.ca.Issue("127.0.0.1", "localhost")
		if err != nil {
			t.Fatal(err)
		}
		srv.TLSConfig = tlsdev.ServerConfig(cert)
	}
	serving := make(chan struct{})
	go func() {
		defer close(serving)
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("backend %s stopped: %v", b.name, err)
		}
	}()
	b.mu.Lock()
	b.addr, b.srv, b.serving = ln.Addr().String(), srv, serving
	b.mu.Unlock()
}

// Addr is the backend's host:port.
func (b *httpBackend) Addr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addr
}

// Kill closes the backend's listener and connections: its port refuses connections.
func (b *httpBackend) Kill() {
	b.mu.Lock()
	srv, serving := b.srv, b.serving
	b.srv = nil
	b.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close()
	<-serving
}

// Revive serves again on the same address after Kill.
func (b *httpBackend) Revive(t testing.TB) { t.Helper(); b.listen(t, b.Addr()) }

// Release lets every held request answer.
func (b *httpBackend) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.release)
	b.release = make(chan struct{})
}

// WaitHeld waits until n held requests have arrived.
func (b *httpBackend) WaitHeld(t testing.TB, n int) {
	t.Helper()
	for range n {
		select {
		case <-b.arrived:
		case <-time.After(10 * time.Second):
			t.Fatalf("backend %s: a held request did not arrive", b.name)
		}
	}
}

// Received returns the requests whose X-E2e-Id header is id.
func (b *httpBackend) Received(id string) []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []received
	for _, r := range b.got {
		if r.Header.Get("X-E2e-Id") == id {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many requests with paths starting with prefix arrived.
func (b *httpBackend) Count(prefix string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.got {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

func (b *httpBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		b.Probes.Add(1)
		w.WriteHeader(orOK(b.HealthStatus.Load()))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	rec := received{Backend: b.name, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Proto: r.Proto, TLS: r.TLS != nil, Header: r.Header.Clone(), Body: string(body)}
	b.mu.Lock()
	b.got = append(b.got, rec)
	release := b.release
	b.mu.Unlock()
	if !b.wait(r, release) {
		return
	}
	w.Header().Set("X-Backend", b.name)
	w.Header().Set("X-Backend-Secret", "internal")
	if st := b.Status.Load(); st != 0 {
		http.Error(w, b.name+" failing on purpose", int(st))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(rec); err != nil {
		return // the client went away
	}
}

// wait applies the backend's delay, /slow and /hold; false when the client went away.
func (b *httpBackend) wait(r *http.Request, release chan struct{}) bool {
	d := time.Duration(b.Delay.Load())
	if strings.Contains(r.URL.Path, "/slow") {
		if qd, err := time.ParseDuration(r.URL.Query().Get("d")); err == nil {
			d += qd
		}
	}
	if strings.Contains(r.URL.Path, "/hold") {
		b.arrived <- r.URL.Path
		select {
		case <-release:
		case <-r.Context().Done():
			return false
		}
	}
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
		return false
	}
	return true
}

func orOK(status int32) int {
	if status == 0 {
		return http.StatusOK
	}
	return int(status)
}

// newGRPCBackend starts stage 08's Echo server (all four call kinds, grpc.health.v1),
// answering as name, and returns its address.
func newGRPCBackend(t testing.TB, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	echoserver.Register(srv, echoserver.New(name))
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			t.Errorf("grpc backend %s: %v", name, err)
		}
	}()
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}

// wsBackend is stage 08's WebSocket echo server.
type wsBackend struct {
	Addr string
	echo *wsserver.Echo
}

func newWSBackend(t testing.TB) *wsBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	echo := wsserver.NewEcho(wsserver.Config{Greeting: "hello from " + ln.Addr().String(),
		CheckOrigin: func(*http.Request) bool { return true }})
	srv := &http.Server{Handler: echo, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("websocket backend: %v", err)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		echo.Shutdown(ctx)
		srv.Close()
	})
	return &wsBackend{Addr: ln.Addr().String(), echo: echo}
}

// tcpEcho is a TCP backend that sends every byte back and counts its connections.
type tcpEcho struct {
	Addr     string
	accepted atomic.Int64
	open     atomic.Int64
}

func newTCPEcho(t testing.TB) *tcpEcho {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &tcpEcho{Addr: ln.Addr().String()}
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			e.accepted.Add(1)
			e.open.Add(1)
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			go func() {
				defer e.open.Add(-1)
				defer c.Close()
				io.Copy(c, c) // ends when either side closes
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for c := range conns {
			c.Close()
		}
	})
	return e
}

// freeAddrs returns n distinct loopback addresses with ports that were free a moment
// ago: the gateway runs in another process, so it cannot be handed open listeners.
// Until someone listens on one, it refuses connections (a dead target).
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	addrs, err := freeport.Addrs(n)
	if err != nil {
		t.Fatal(err)
	}
	return addrs
}
