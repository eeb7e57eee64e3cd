package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
	"gatewaylab/06-discovery/selfreg"
)

// service is the name the backends register under.
const service = "demo"

// backend is one simulated backend process: an HTTP server with its own etcd client,
// registered through selfreg while it runs.
type backend struct {
	n       int
	addr    string
	ttl     time.Duration
	failing atomic.Bool // answer 500 on "/" (but keep passing /healthz)

	client *clientv3.Client
	srv    *http.Server
	cancel context.CancelFunc
	done   chan error
}

// startBackend listens on addr ("127.0.0.1:0" for a new port, or the port of a backend
// being restarted) and registers itself.
func startBackend(ctx context.Context, n int, addr string, endpoints []string, ttl time.Duration) (*backend, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("backend %d: listen: %w", n, err)
	}
	client, err := clientv3.New(etcdreg.ClientConfig(endpoints))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("backend %d: etcd client: %w", n, err), ln.Close())
	}
	reg, err := etcdreg.New(etcdreg.Config{Client: client})
	if err != nil {
		return nil, errors.Join(err, client.Close(), ln.Close())
	}
	b := &backend{n: n, addr: ln.Addr().String(), ttl: ttl, client: client, done: make(chan error, 1)}
	b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 2 * time.Second, IdleTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	var serveCtx context.Context
	serveCtx, b.cancel = context.WithCancel(ctx)
	cfg := selfreg.Config{Registry: reg, Service: service, Instance: registry.Instance{Addr: b.addr}, TTL: ttl, DrainDelay: 300 * time.Millisecond}
	go func() { b.done <- selfreg.Serve(serveCtx, b.srv, ln, cfg) }()
	return b, nil
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		io.WriteString(w, "ok\n")
		return
	}
	if b.failing.Load() {
		http.Error(w, fmt.Sprintf("backend %d: simulated failure", b.n), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "backend %d (%s) served %s %s\n", b.n, b.addr, r.Method, r.URL.Path)
}

// stop is a graceful shutdown: deregister, drain, stop serving (selfreg's order).
func (b *backend) stop() error {
	b.cancel()
	err := <-b.done
	return errors.Join(err, b.client.Close())
}

// crash is kill -9 seen from outside: the etcd connection and every socket die at once,
// nothing is deregistered. The registry entry stays until its lease expires.
func (b *backend) crash() error {
	errs := []error{b.client.Close(), b.srv.Close()} // the client first, so no revoke can go out
	b.cancel()
	<-b.done // selfreg's error is the dead server and client: the crash itself
	return errors.Join(errs...)
}

// fleet is the demo's backends by number.
type fleet struct {
	endpoints []string // etcd's, for backends started later

	mu       sync.Mutex
	backends map[int]*backend
}

func (f *fleet) set(b *backend) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.backends[b.n] = b
}

func (f *fleet) get(n int) *backend {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.backends[n]
}

// stopAll stops the backends still running, gracefully.
func (f *fleet) stopAll() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	for n, b := range f.backends {
		errs = append(errs, b.stop())
		delete(f.backends, n)
	}
	return errors.Join(errs...)
}

func (f *fleet) remove(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.backends, n)
}
