package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/04-proxy/statuswriter"
	"gatewaylab/05-loadbalance/balancer"
)

// lbProxy picks a backend per request, forwards the request to it and reports the
// outcome back to the balancer. It is the shape of the gateway's proxy step: one
// 04-proxy reverse proxy per backend, and the balancer choosing among them.
type lbProxy struct {
	lb      balancer.Balancer
	key     balancer.KeyFunc
	proxies map[string]*reverseproxy.Proxy // by backend address
	counts  map[string]*atomic.Int64       // requests served, by backend address
	order   []string
}

func newLBProxy(lb balancer.Balancer, key balancer.KeyFunc, addrs []string) (*lbProxy, error) {
	px := &lbProxy{
		lb: lb, key: key, order: addrs,
		proxies: make(map[string]*reverseproxy.Proxy, len(addrs)),
		counts:  make(map[string]*atomic.Int64, len(addrs)),
	}
	for _, addr := range addrs {
		p, err := newReverseProxy(addr)
		if err != nil {
			return nil, err
		}
		px.proxies[addr] = p
		px.counts[addr] = new(atomic.Int64)
	}
	return px, nil
}

// newReverseProxy forwards to addr with its own connection pool. Failures are reported
// through OnError to the outcomeRecorder the request carries, so that the balancer
// hears about them in Done.
func newReverseProxy(addr string) (*reverseproxy.Proxy, error) {
	transport, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{
		DialTimeout:           2 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	return reverseproxy.New(reverseproxy.Config{
		Target:    &url.URL{Scheme: "http", Host: addr},
		Transport: transport,
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Backend", addr)
			return nil
		},
		OnError: func(w http.ResponseWriter, _ *http.Request, err error, _ int) {
			if rec, ok := w.(*outcomeRecorder); ok {
				rec.err = err
			}
		},
	})
}

func (px *lbProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, err := px.lb.Pick(px.key(r))
	if err != nil { // only ErrNoTarget: every backend is gone
		http.Error(w, "no backend available", http.StatusServiceUnavailable)
		return
	}
	px.counts[ep.Addr()].Add(1)
	start := time.Now()
	rec := &outcomeRecorder{Recorder: statuswriter.New(w)}
	px.proxies[ep.Addr()].ServeHTTP(rec, r)
	ep.Done(balancer.Outcome{Latency: time.Since(start), Status: rec.Status(), Err: rec.err})
}

// outcomeRecorder remembers the status written (stage 04's statuswriter) and the
// proxy error, if any.
type outcomeRecorder struct {
	*statuswriter.Recorder
	err error
}

// printCounts draws one bar per backend.
func (px *lbProxy) printCounts() {
	for i, addr := range px.order {
		n := px.counts[addr].Load()
		fmt.Printf("  backend %d %-21s %4d %s\n", i+1, addr, n, strings.Repeat("█", int(min(n, 60))))
	}
}
