package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"gatewaylab/05-loadbalance/balancer"
)

// run starts the backends and the proxy, shows a warm-up burst, then serves until ctx
// is cancelled and shuts everything down.
func run(ctx context.Context, cfg config) error {
	backends, err := startBackends(ctx)
	if err != nil {
		return err
	}
	defer backends.stop()
	lb, err := newBalancer(cfg, backends.addrs)
	if err != nil {
		return err
	}
	key, err := balancer.ParseKey(cfg.key, nil)
	if err != nil {
		return err
	}
	px, err := newLBProxy(lb, key, backends.addrs)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.addr, err)
	}
	srv := newServer(px)
	var wg sync.WaitGroup
	wg.Go(func() { serve(srv, ln) })
	defer wg.Wait()
	base := "http://" + ln.Addr().String()
	fmt.Printf("proxy:    %s  policy %s, key %s, weights %v\n", base, cfg.policy, cfg.key, cfg.weights)
	if err := warmUp(ctx, base, cfg.warmup, px); err != nil && ctx.Err() == nil {
		shutdown(srv)
		return err
	}
	printTryLines(base)
	<-ctx.Done()
	shutdown(srv)
	fmt.Println("\nstopped; requests per backend since start:")
	px.printCounts()
	return nil
}

func newBalancer(cfg config, addrs []string) (balancer.Balancer, error) {
	lb, err := balancer.New(cfg.policy, balancer.Options{})
	if err != nil {
		return nil, err
	}
	targets := make([]balancer.Target, len(addrs))
	for i, a := range addrs {
		targets[i] = balancer.Target{Addr: a, Weight: cfg.weights[i]}
	}
	if err := lb.Update(targets); err != nil {
		return nil, err
	}
	return lb, nil
}

// newServer returns an http.Server with the timeouts every gatewaylab server has.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func serve(srv *http.Server, ln net.Listener) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Println("serve:", err)
	}
}

// shutdown drains srv for up to five seconds, then closes what is left.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Println("shutdown:", err)
		if err := srv.Close(); err != nil {
			fmt.Println("close:", err)
		}
	}
}

func printTryLines(base string) {
	fmt.Printf(`
try:
  curl -si %[1]s/ | grep -i x-backend
  for i in $(seq 9); do curl -s %[1]s/; done
  for i in $(seq 5); do curl -s -H 'X-User: alice' %[1]s/; done   # one backend with -policy consistent_hash
  go run ./05-loadbalance/cmd/lbproxy -policy peak_ewma             # backend 3 is slow: watch it starve
Ctrl-C prints the requests per backend and stops.
`, base)
}
