package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/outlier"
	"gatewaylab/06-discovery/registry"
)

// gateway is the proxy side: a balancer fed by the discovery observer (registry watch,
// active health checks, passive outlier ejection), and one 04-proxy reverse proxy per
// backend address.
type gateway struct {
	lb       balancer.Balancer
	checker  *health.Checker
	detector *outlier.Detector
	observer *discovery.Observer
	changed  chan struct{} // a balancer update happened

	mu      sync.Mutex
	proxies map[string]*reverseproxy.Proxy
}

// Settings of the demo's checks, short so that things happen within seconds.
var (
	checkConfig = health.Config{
		Interval: 500 * time.Millisecond, UnhealthyInterval: time.Second, Timeout: 300 * time.Millisecond,
		Rise: 2, Fall: 2,
	}
	ejectConfig = outlier.Config{
		ConsecutiveFailures: 3, BaseEjectionTime: 2 * time.Second, MaxEjectionTime: 30 * time.Second,
		MaxEjectionPercent: 50,
	}
)

func newGateway(reg registry.Registry, policy string, p *printer) (*gateway, error) {
	g := &gateway{changed: make(chan struct{}, 1), proxies: map[string]*reverseproxy.Proxy{}}
	var err error
	if g.detector, err = newDetector(p); err != nil {
		return nil, err
	}
	if g.lb, err = balancer.New(policy, balancer.Options{Observer: g.detector}); err != nil {
		return nil, err
	}
	if g.checker, err = newChecker(p); err != nil {
		return nil, err
	}
	g.observer, err = discovery.New(discovery.Config{
		Source:   watchAndPrint(reg, p),
		Balancer: g.lb, Checker: g.checker, Outlier: g.detector,
		OnUpdate: func(s discovery.Snapshot) { g.announce(s, p) },
	})
	return g, err
}

func newChecker(p *printer) (*health.Checker, error) {
	prober, err := health.HTTP(health.HTTPConfig{Path: "/healthz", BodyContains: "ok"})
	if err != nil {
		return nil, err
	}
	cfg := checkConfig
	cfg.Prober = prober
	cfg.OnChange = func(c health.Change) {
		why := ""
		if c.Err != nil {
			why = ": " + shortError(c.Err)
		}
		p.event("active probe: %s %s -> %s%s", p.name(c.Addr), c.From, c.To, why)
	}
	return health.New(cfg)
}

func newDetector(p *printer) (*outlier.Detector, error) {
	cfg := ejectConfig
	cfg.OnChange = func(e outlier.Event) {
		if e.Ejected {
			p.event("passive check: %s ejected for %v (ejection #%d)", p.name(e.Addr), e.Until.Sub(e.At).Round(time.Millisecond), e.Ejections)
		} else {
			p.event("passive check: %s's ejection ended", p.name(e.Addr))
		}
	}
	return outlier.New(cfg)
}

// watchAndPrint is the registry source, with a line for every change it delivers.
func watchAndPrint(reg registry.Registry, p *printer) discovery.Source {
	return discovery.SourceFunc(func(ctx context.Context) (<-chan []registry.Instance, error) {
		in, err := reg.Watch(ctx, service)
		if err != nil {
			return nil, err
		}
		out := make(chan []registry.Instance)
		go func() {
			defer close(out)
			for set := range in {
				p.event("registry: %s %s", service, p.list(registry.Addrs(set)))
				select {
				case out <- set:
				case <-ctx.Done():
					return
				}
			}
		}()
		return out, nil
	})
}

func (g *gateway) announce(s discovery.Snapshot, p *printer) {
	addrs := registry.Addrs(s.Routed)
	panicNote := ""
	if s.Panic {
		panicNote = "  (panic: too few healthy, routing to all)"
	}
	p.event("balancer: routing to %s%s", p.list(addrs), panicNote)
	select {
	case g.changed <- struct{}{}:
	default:
	}
}

// waitRouted waits until the balancer routes to exactly n targets, or timeout.
func (g *gateway) waitRouted(ctx context.Context, n int, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for len(g.observer.Snapshot().Routed) != n || g.observer.Snapshot().Version == 0 {
		select {
		case <-g.changed:
		case <-t.C:
			return fmt.Errorf("the balancer did not reach %d targets within %v", n, timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
