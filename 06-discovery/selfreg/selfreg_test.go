package selfreg_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/06-discovery/registry/registrytest"
	"gatewaylab/06-discovery/selfreg"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: time.Second, IdleTimeout: time.Second, MaxHeaderBytes: 8 << 10}
}

// serve runs selfreg.Serve until the returned stop is called; stop returns Serve's error.
func serve(t *testing.T, srv *http.Server, ln net.Listener, cfg selfreg.Config) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- selfreg.Serve(ctx, srv, ln, cfg) }()
	return func() error { cancel(); return <-done }
}

func get(addr string) error {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// TestDeregistersBeforeStopping checks the order that keeps gateways from sending
// traffic to a backend that refuses it: removed from the registry first, still serving
// when a watcher hears of it.
func TestDeregistersBeforeStopping(t *testing.T) {
	reg := &memory.Registry{}
	watch := registrytest.Watch(t, reg, "api")
	ln := listen(t)
	addr := ln.Addr().String()
	stop := serve(t, newServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})), ln,
		selfreg.Config{Registry: reg, Service: "api", DrainDelay: 300 * time.Millisecond})

	registrytest.WaitFor(t, watch, addr)
	if err := get(addr); err != nil {
		t.Fatalf("GET while registered: %v", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	registrytest.WaitFor(t, watch)
	if err := get(addr); err != nil {
		t.Errorf("GET right after deregistration failed (%v): the server stopped before gateways could drain it", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if err := get(addr); err == nil {
		t.Error("GET after Serve returned succeeded: the server is still up")
	}
}

func TestInFlightRequestFinishes(t *testing.T) {
	reg := &memory.Registry{}
	entered, release := make(chan struct{}), make(chan struct{})
	ln := listen(t)
	stop := serve(t, newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	})), ln, selfreg.Config{Registry: reg, Service: "api", DrainDelay: -1})
	result := make(chan error, 1)
	go func() { result <- get(ln.Addr().String()) }()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	close(release)
	if err := <-result; err != nil {
		t.Errorf("in-flight request: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve = %v", err)
	}
}

func TestRegistrationFailureStopsTheServer(t *testing.T) {
	ln := listen(t)
	stop := serve(t, newServer(http.NotFoundHandler()), ln,
		selfreg.Config{Registry: &memory.Registry{}, Service: "not/valid", DrainDelay: -1})
	err := stop()
	if !errors.Is(err, registry.ErrInvalidService) {
		t.Errorf("Serve = %v, want ErrInvalidService", err)
	}
}

func TestServeFailureDeregisters(t *testing.T) {
	reg := &memory.Registry{}
	watch := registrytest.Watch(t, reg, "api")
	ln := listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- selfreg.Serve(ctx, newServer(http.NotFoundHandler()), ln,
			selfreg.Config{Registry: reg, Service: "api", Instance: registry.Instance{Addr: "10.0.0.1:80"}})
	}()
	registrytest.WaitFor(t, watch, "10.0.0.1:80")
	ln.Close() // the server dies
	registrytest.WaitFor(t, watch)
	if err := <-done; err == nil {
		t.Error("Serve returned nil after its listener failed")
	}
}
