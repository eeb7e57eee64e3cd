package upstream

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"sync"
	"time"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/leanproxy"
	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/09-final-gateway/config"
)

// Service is one upstream service at run time. It is safe for concurrent use.
type Service struct {
	name      string
	cfg       config.Service
	lb        balancer.Balancer
	key       balancer.KeyFunc     // nil when the policy ignores keys
	transport *http.Transport      // the connection pool to every target
	lean      *leanproxy.Transport // the lean HTTP/1.1 path in front of it; nil when not used
	rt        http.RoundTripper

	mu       sync.Mutex
	proxies  map[*forwarded.Trust]*reverseproxy.Proxy // one per listener trust setting
	closers  []func()
	state    StateFunc
	retarget func([]config.Target) error
	grpc     *grpcproxy.Upstreams // gRPC services only
}

// ClientIPFunc resolves the client address of a request (trusted-proxy aware).
type ClientIPFunc func(*http.Request) netip.Addr

// New builds the service s: its balancer, with the static targets loaded, and its
// connection pool. Health checks and discovery are attached by the caller.
func New(s config.Service, clientIP ClientIPFunc, observer balancer.OutcomeObserver) (*Service, error) {
	var lb balancer.Balancer
	lb, err := balancer.New(s.Balancer.Policy, balancer.Options{
		Replicas: s.Balancer.Replicas, LoadFactor: s.Balancer.LoadFactor, Observer: observer,
	})
	if err != nil {
		return nil, fmt.Errorf("balancer: %w", err)
	}
	svc := &Service{name: s.Name, cfg: s, proxies: map[*forwarded.Trust]*reverseproxy.Proxy{}}
	if s.Protocol == "grpc" {
		// One pooled ClientConn per target, kept in step with the balancer's target set:
		// gRPC listeners proxy calls over them (stage 08).
		if svc.grpc, err = newGRPCUpstreams(s, lb); err != nil {
			return nil, err
		}
		lb = svc.grpc
	}
	svc.lb = lb
	if balancer.UsesKey(s.Balancer.Policy) {
		if svc.key, err = balancer.ParseKey(s.Balancer.HashKey, clientIP); err != nil {
			return nil, fmt.Errorf("balancer.hash_key: %w", err)
		}
	}
	if svc.transport, err = newTransport(s); err != nil {
		return nil, err
	}
	retries := s.Upstream.Retries
	if retries < 0 {
		retries = 0
	}
	var base http.RoundTripper = svc.transport
	if usesLean(s) {
		svc.lean = leanproxy.New(svc.transport)
		base = svc.lean
	}
	svc.rt = &balancingTransport{lb: lb, base: base, retries: retries}
	if len(s.Targets) > 0 {
		if err := lb.Update(Targets(s.Targets)); err != nil {
			return nil, fmt.Errorf("targets: %w", err)
		}
	}
	return svc, nil
}

// Targets converts configured targets to balancer targets.
func Targets(ts []config.Target) []balancer.Target {
	out := make([]balancer.Target, len(ts))
	for i, t := range ts {
		out[i] = balancer.Target{Addr: t.Addr, Weight: t.Weight}
	}
	return out
}

// Name returns the service's name.
func (s *Service) Name() string { return s.name }

// Config returns the configuration the service runs.
func (s *Service) Config() config.Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// Balancer returns the service's balancer (health checks and discovery update it).
func (s *Service) Balancer() balancer.Balancer { return s.lb }

// Key returns the balancing key for r ("" when the policy ignores keys).
func (s *Service) Key(r *http.Request) string {
	if s.key == nil {
		return ""
	}
	return s.key(r)
}

// Handler returns the HTTP handler that proxies to the service for a listener that
// trusts trust's proxies.
func (s *Service) Handler(trust *forwarded.Trust) (http.Handler, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.proxies[trust]; ok {
		return handler{s, p}, nil
	}
	p, err := reverseproxy.New(reverseproxy.Config{
		Target:        &url.URL{Scheme: s.scheme(), Host: s.name},
		Transport:     s.rt,
		Trust:         trust,
		FlushInterval: s.flushInterval(),
	})
	if err != nil {
		return nil, err
	}
	s.proxies[trust] = p
	return handler{s, p}, nil
}

type handler struct {
	s *Service
	p *reverseproxy.Proxy
}

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.s.key != nil {
		r = withKey(r, h.s.key(r))
	}
	h.p.ServeHTTP(w, r)
}

// OnClose registers f to run when the service is closed (to stop its health checks and
// discovery watch).
func (s *Service) OnClose(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closers = append(s.closers, f)
}

// Close stops what watches the service and releases its idle connections. Requests in
// flight finish on their connections.
func (s *Service) Close() {
	s.mu.Lock()
	closers := s.closers
	s.closers = nil
	s.mu.Unlock()
	for _, f := range closers {
		f()
	}
	s.transport.CloseIdleConnections()
	if s.lean != nil {
		s.lean.CloseIdleConnections()
	}
	if s.grpc != nil {
		if err := s.grpc.Close(); err != nil {
			slog.Debug("close grpc upstreams", "service", s.name, "err", err)
		}
	}
}

// GRPC returns the gRPC connection pool of a grpc service (nil for other protocols).
func (s *Service) GRPC() *grpcproxy.Upstreams { return s.grpc }

func newGRPCUpstreams(s config.Service, lb balancer.Balancer) (*grpcproxy.Upstreams, error) {
	dc := grpcproxy.DialConfig{}
	if s.TLS != nil {
		conf, err := upstreamTLS(s.TLS)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		dc.TLS = conf
	}
	return grpcproxy.NewUpstreams(lb, grpcproxy.Dialer(dc)), nil
}

func (s *Service) scheme() string {
	if s.cfg.Protocol == "https" || (s.cfg.Protocol == "grpc" && s.cfg.TLS != nil) {
		return "https"
	}
	return "http"
}

// flushInterval: gRPC and other streams must not wait in a buffer.
func (s *Service) flushInterval() time.Duration {
	if s.cfg.Protocol == "grpc" {
		return -1
	}
	return 0
}

// usesLean reports whether a service's requests take stage 04's lean HTTP/1.1 path:
// plain-HTTP services unless upstream.transport is "std". The lean path sends what it
// can itself (no goroutine hand-off per request) and gives the rest to the service's
// net/http Transport.
func usesLean(s config.Service) bool {
	return (s.Protocol == "" || s.Protocol == "http") && s.Upstream.Transport != "std"
}

func newTransport(s config.Service) (*http.Transport, error) {
	tc := reverseproxy.TransportConfig{
		DialTimeout:           s.Upstream.DialTimeout.D(),
		ResponseHeaderTimeout: s.Upstream.ResponseHeaderTimeout.D(),
		IdleConnTimeout:       s.Upstream.IdleConnTimeout.D(),
		MaxIdleConnsPerHost:   s.Upstream.MaxIdleConnsPerHost,
		MaxConnsPerHost:       s.Upstream.MaxConnsPerHost,
	}
	switch {
	case s.Protocol == "h2c", s.Protocol == "grpc" && s.TLS == nil:
		tc.Protocol = reverseproxy.H2C
	case s.Protocol == "https", s.Protocol == "grpc":
		tc.Protocol = reverseproxy.HTTP2
	default:
		tc.Protocol = reverseproxy.HTTP1
	}
	if s.TLS != nil {
		conf, err := upstreamTLS(s.TLS)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		tc.TLS = conf
	}
	return reverseproxy.NewTransport(tc)
}

// TLSConfig is the client TLS configuration for a service's tls block: its CA
// (ca_file) and server name. Health probes use it too, so that they reach a target
// the way requests do.
func TLSConfig(t *config.UpstreamTLS) (*tls.Config, error) { return upstreamTLS(t) }

func upstreamTLS(t *config.UpstreamTLS) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s: no PEM certificate found", t.CAFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// TargetState is a target's live state as the service's watchers see it.
type TargetState struct {
	Healthy   bool
	Ejected   bool
	LastError string
	Since     time.Time
}

// StateFunc reports a target's live state.
type StateFunc func(addr string) (TargetState, bool)

// SetStateFunc installs the function that reports targets' live state (the health
// checker's); without one every target is reported healthy.
func (s *Service) SetStateFunc(f StateFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = f
}

// TargetState returns addr's live state, if the service has watchers.
func (s *Service) TargetState(addr string) (TargetState, bool) {
	s.mu.Lock()
	f := s.state
	s.mu.Unlock()
	if f == nil {
		return TargetState{}, false
	}
	return f(addr)
}

// SetRetarget installs the function that changes a service's static targets in place
// (its watchers pick the change up, keeping the health state of targets that stay).
func (s *Service) SetRetarget(f func([]config.Target) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retarget = f
}

// Retarget takes over sc, which must differ from the service's configuration in its
// targets only, by changing the targets in place. It reports false when the service
// cannot (no retarget function, or the change failed): the caller rebuilds it.
func (s *Service) Retarget(sc config.Service) bool {
	s.mu.Lock()
	f := s.retarget
	s.mu.Unlock()
	if f == nil || f(sc.Targets) != nil {
		return false
	}
	s.mu.Lock()
	s.cfg = sc
	s.mu.Unlock()
	return true
}
