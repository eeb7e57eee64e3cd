package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/05-loadbalance/balancer"
)

// ServeHTTP is the proxy step: pick, forward, report the outcome. /_discovery serves
// what an admin API would: the observer's snapshot and every target's health.
func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_discovery" {
		g.serveStatus(w)
		return
	}
	ep, err := g.lb.Pick("")
	if err != nil { // ErrNoTarget: nothing healthy, nothing registered
		http.Error(w, "no backend available", http.StatusServiceUnavailable)
		return
	}
	px, err := g.proxy(ep.Addr())
	if err != nil {
		ep.Done(balancer.Outcome{Err: err})
		http.Error(w, "bad backend address", http.StatusBadGateway)
		return
	}
	start := time.Now()
	res := &result{}
	px.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), resultKey{}, res)))
	ep.Done(balancer.Outcome{Latency: time.Since(start), Status: res.status, Err: res.err})
}

func (g *gateway) serveStatus(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	err := enc.Encode(map[string]any{
		"discovery": g.observer.Snapshot(),
		"health":    g.checker.Statuses(),
		"outlier":   g.detector.Statuses(),
	})
	if err != nil {
		slog.Warn("write /_discovery", "err", err)
	}
}

// result is filled in by the reverse proxy's hooks for the request that carries it.
type result struct {
	status int
	err    error
}

type resultKey struct{}

func resultOf(ctx context.Context) *result {
	if r, ok := ctx.Value(resultKey{}).(*result); ok {
		return r
	}
	return &result{}
}

// proxy returns the reverse proxy for addr, creating it on first use.
func (g *gateway) proxy(addr string) (*reverseproxy.Proxy, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if px, ok := g.proxies[addr]; ok {
		return px, nil
	}
	transport, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{DialTimeout: time.Second, ResponseHeaderTimeout: 2 * time.Second})
	if err != nil {
		return nil, err
	}
	px, err := reverseproxy.New(reverseproxy.Config{
		Target:    &url.URL{Scheme: "http", Host: addr},
		Transport: transport,
		Logger:    slog.New(slog.DiscardHandler), // the demo prints its own account
		ModifyResponse: func(resp *http.Response) error {
			resultOf(resp.Request.Context()).status = resp.StatusCode
			resp.Header.Set("X-Backend", addr)
			return nil
		},
		OnError: func(_ http.ResponseWriter, r *http.Request, err error, _ int) {
			resultOf(r.Context()).err = err
		},
	})
	if err != nil {
		return nil, err
	}
	g.proxies[addr] = px
	return px, nil
}
