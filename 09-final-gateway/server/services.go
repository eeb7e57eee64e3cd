package server

import (
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/outlier"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/upstream"
)

// newService builds a service with what watches it (stage 06): its targets come from a
// source (the static list through an in-memory registry, so that a reload can change
// them in place, or the etcd registry), active health checks and passive ejection
// filter them, and the discovery observer feeds the healthy set to the balancer. It
// all runs until the service is closed.
func (s *Server) newService(sc config.Service) (*upstream.Service, error) {
	var detector *outlier.Detector
	if p := sc.Health.Passive; p != nil {
		var err error
		detector, err = outlier.New(outlier.Config{
			ConsecutiveFailures: p.ConsecutiveFailures, BaseEjectionTime: p.BaseEjection.D(),
			MaxEjectionTime: p.MaxEjection.D(), MaxEjectionPercent: p.MaxEjectionPercent,
			OnChange: func(ev outlier.Event) { s.ejectionChanged(sc.Name, ev) },
		})
		if err != nil {
			return nil, fmt.Errorf("health.passive: %w", err)
		}
	}
	var observer balancer.OutcomeObserver // a nil *Detector must not become a non-nil interface
	if detector != nil {
		observer = detector
	}
	svc, err := upstream.New(sc, clientip.FromRequest, observer)
	if err != nil {
		return nil, err
	}
	checker, err := s.checker(sc)
	if err != nil {
		return nil, err
	}
	source, retarget, err := s.source(sc)
	if err != nil {
		return nil, err
	}
	panicAt := 0
	if p := sc.Health.Passive; p != nil {
		panicAt = p.PanicThreshold
	}
	obs, err := discovery.New(discovery.Config{Source: source, Balancer: svc.Balancer(), Checker: checker,
		Outlier: detector, PanicThreshold: panicAt, Logger: s.logger})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := obs.Run(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error("service discovery stopped", "service", sc.Name, "err", err)
		}
	})
	svc.OnClose(func() { cancel(); wg.Wait() })
	svc.SetRetarget(retarget)
	svc.SetStateFunc(stateFunc(checker, detector))
	return svc, nil
}

// source is where a service's targets come from. For a static list it also returns the
// function that changes them in place.
func (s *Server) source(sc config.Service) (discovery.Source, func([]config.Target) error, error) {
	if sc.Discovery != nil {
		reg, err := s.registry()
		if err != nil {
			return nil, nil, err
		}
		return discovery.FromRegistry(reg, sc.Discovery.Service), nil, nil
	}
	mem := &memory.Registry{}
	set := func(ts []config.Target) error {
		insts := make([]registry.Instance, len(ts))
		for i, t := range ts {
			insts[i] = registry.Instance{Addr: t.Addr, Weight: t.Weight}
		}
		return mem.Set(sc.Name, insts)
	}
	if err := set(sc.Targets); err != nil {
		return nil, nil, fmt.Errorf("targets: %w", err)
	}
	return discovery.FromRegistry(mem, sc.Name), set, nil
}

// checker builds the active health checker, or nil without one.
func (s *Server) checker(sc config.Service) (*health.Checker, error) {
	a := sc.Health.Active
	if a == nil {
		return nil, nil
	}
	prober, err := prober(sc, a)
	if err != nil {
		return nil, fmt.Errorf("health.active: %w", err)
	}
	return health.New(health.Config{
		Prober: prober, Interval: a.Interval.D(), UnhealthyInterval: a.UnhealthyInterval.D(),
		// The jitter (health's default: a tenth of Interval) must stay small against the
		// shorter of the two intervals, or it swamps unhealthy_interval.
		Jitter:  min(a.Interval.D(), a.UnhealthyInterval.D()) / 10,
		Timeout: a.Timeout.D(), Rise: a.Rise, Fall: a.Fall,
		// A configured target is trusted until it fails: requests flow from the first
		// moment, and a reload that rebuilds the service does not pause it.
		Initial:  health.InitialHealthy,
		OnChange: func(ch health.Change) { s.healthChanged(sc.Name, ch) },
	})
}

func prober(sc config.Service, a *config.ActiveHealth) (health.Prober, error) {
	switch a.Type {
	case "tcp":
		return health.TCP(), nil
	case "grpc":
		gc := health.GRPCConfig{}
		if sc.TLS != nil {
			conf, err := upstream.TLSConfig(sc.TLS)
			if err != nil {
				return nil, err
			}
			gc.DialOptions = []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(conf))}
		}
		return health.GRPC(gc), nil
	}
	expect := health.StatusRanges{{Min: 200, Max: 399}}
	if len(a.ExpectStatus) > 0 {
		expect = nil
		for _, st := range a.ExpectStatus {
			expect = append(expect, health.StatusRange{Min: st, Max: st})
		}
	}
	hc := health.HTTPConfig{Scheme: "http", Path: a.Path, Expect: expect, BodyContains: a.ExpectBody}
	if sc.Protocol == "https" {
		hc.Scheme = "https"
		if sc.TLS != nil { // probe the way requests go: the service's CA and server name
			conf, err := upstream.TLSConfig(sc.TLS)
			if err != nil {
				return nil, err
			}
			hc.TLS = conf
		}
	}
	return health.HTTP(hc)
}

func (s *Server) healthChanged(service string, ch health.Change) {
	s.Metrics.SetHealthy(service, ch.Addr, ch.To == health.Healthy)
	level := s.logger.Info
	if ch.To == health.Unhealthy {
		level = s.logger.Warn
	}
	errText := ""
	if ch.Err != nil {
		errText = ch.Err.Error()
	}
	level("target health changed", "service", service, "target", ch.Addr, "from", ch.From.String(), "to", ch.To.String(), "err", errText)
}

func (s *Server) ejectionChanged(service string, ev outlier.Event) {
	s.Metrics.SetHealthy(service, ev.Addr, !ev.Ejected)
	if ev.Ejected {
		s.logger.Warn("target ejected after failing real traffic", "service", service, "target", ev.Addr,
			"until", ev.Until.Format(time.RFC3339), "ejections", strconv.Itoa(ev.Ejections))
		return
	}
	s.logger.Info("target back in rotation", "service", service, "target", ev.Addr)
}

// stateFunc reports a target's live state for the admin API.
func stateFunc(c *health.Checker, d *outlier.Detector) upstream.StateFunc {
	return func(addr string) (upstream.TargetState, bool) {
		st := upstream.TargetState{Healthy: true}
		found := false
		if c != nil {
			for _, s := range c.Statuses() {
				if s.Addr == addr {
					st.Healthy, st.LastError, st.Since, found = s.State != health.Unhealthy, s.LastError, s.Since, true
				}
			}
		}
		if d != nil {
			for _, s := range d.Statuses() {
				if s.Addr == addr {
					st.Ejected, found = s.Ejected, true
				}
			}
		}
		return st, found
	}
}
