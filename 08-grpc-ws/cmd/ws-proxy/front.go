package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/wsproxy"
)

// front is the proxy's listener and the WebSocket proxies behind it.
type front struct {
	addr    string
	server  *http.Server
	proxies []*wsproxy.Proxy
	served  chan error
}

func startFront(o options, bs *backends) (*front, error) {
	echo, err := newWSProxy(o, bs.echo...)
	if err != nil {
		return nil, err
	}
	chat, err := newWSProxy(o, bs.chat)
	if err != nil {
		return nil, err
	}
	raw, err := reverseproxy.New(reverseproxy.Config{Target: &url.URL{Scheme: "http", Host: bs.echo[0].addr}})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/echo", echo)
	mux.Handle("/chat", chat)
	mux.Handle("/raw/", raw)
	lis, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	f := &front{addr: lis.Addr().String(), server: newServer(mux), proxies: []*wsproxy.Proxy{echo, chat}, served: make(chan error, 1)}
	go func() { f.served <- f.server.Serve(lis) }()
	fmt.Printf("   front on %s: /echo (balanced over echo-1, echo-2), /chat, /raw/echo (byte-level)\n", f.addr)
	return f, nil
}

// newWSProxy balances over the given backends, round robin, one pick per connection.
func newWSProxy(o options, targets ...*wsBackend) (*wsproxy.Proxy, error) {
	lb := balancer.NewRoundRobin(balancer.Options{})
	ts := make([]balancer.Target, len(targets))
	for i, b := range targets {
		ts[i] = balancer.Target{Addr: b.addr, Weight: 1}
	}
	if err := lb.Update(ts); err != nil {
		return nil, err
	}
	return wsproxy.New(wsproxy.Config{
		Balancer:       lb,
		PingInterval:   o.ping,
		ShutdownGrace:  o.grace,
		MaxMessageSize: 64 << 10,
	})
}

// shutdown stops accepting, then ends every WebSocket politely, all within 10 s.
func (f *front) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make([]error, len(f.proxies)+1)
	var wg sync.WaitGroup
	for i, p := range f.proxies {
		wg.Go(func() { errs[i] = p.Shutdown(ctx) })
	}
	errs[len(f.proxies)] = f.server.Shutdown(ctx) // does not wait for hijacked connections
	wg.Wait()
	if err := <-f.served; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
