package server

import (
	"fmt"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/08-grpc-ws/grpcproxy"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/gateway"
	"gatewaylab/09-final-gateway/pipeline"
)

// grpcListener builds a grpc listener's server: stage 08's transparent proxy, with
// every call sent to the current snapshot's service (so a reload that rebuilds the
// service takes effect for the next call, while open streams finish on the old one),
// after the listener's middleware checks.
func (s *Server) grpcListener(l config.Listener, g *gateway.Gateway) (gateway.GRPCServer, error) {
	trust, err := forwarded.ParseTrust(l.TrustedProxies...)
	if err != nil {
		return nil, err
	}
	r := &grpcRouter{g: g, l: l, trust: trust, logger: s}
	opts := []grpc.ServerOption{
		grpc.UnknownServiceHandler(r.handle),
		grpc.ForceServerCodecV2(grpcproxy.Codec{}),
		grpc.StreamInterceptor(r.intercept),
		grpc.MaxRecvMsgSize(grpcproxy.DefaultMaxMsgSize),
		grpc.MaxSendMsgSize(grpcproxy.DefaultMaxMsgSize),
		grpc.MaxConcurrentStreams(1000),
		grpc.ConnectionTimeout(l.Timeouts.ReadHeader.D()),
		// A connection without calls is closed after the listener's idle timeout, as
		// on every other listener: otherwise a client can hold any number of them.
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: l.Timeouts.Idle.D()}),
	}
	if l.TLS != nil {
		conf, err := gateway.ListenerTLS(l, s.logger)
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.Creds(credentialsFor(conf)))
	}
	return grpc.NewServer(opts...), nil
}

type grpcRouter struct {
	g      *gateway.Gateway
	l      config.Listener
	trust  *forwarded.Trust
	logger *Server

	mu      sync.Mutex
	proxies map[*grpcproxy.Upstreams]*grpcproxy.Proxy
	checks  map[*gateway.Snapshot][]grpcmw.Check
}

func (r *grpcRouter) handle(srv any, ss grpc.ServerStream) error {
	svc := r.g.Snapshot().Service(r.l.Service)
	if svc == nil || svc.GRPC() == nil {
		return status.Error(codes.Unavailable, "no upstream available")
	}
	p, err := r.proxy(svc.GRPC())
	if err != nil {
		return status.Error(codes.Internal, "proxy unavailable")
	}
	return p.Handle(srv, ss)
}

// proxy returns the proxy for a service's connection pool, made once per pool.
func (r *grpcRouter) proxy(ups *grpcproxy.Upstreams) (*grpcproxy.Proxy, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.proxies[ups]; ok {
		return p, nil
	}
	p, err := grpcproxy.New(grpcproxy.Config{Upstreams: ups, Trust: r.trust,
		Outgoing: grpcmw.ForwardIdentity, Logger: r.logger.logger})
	if err != nil {
		return nil, err
	}
	if r.proxies == nil {
		r.proxies = map[*grpcproxy.Upstreams]*grpcproxy.Proxy{}
	}
	for old := range r.proxies { // pools of replaced services are closed: forget them
		if old != ups {
			delete(r.proxies, old)
		}
	}
	r.proxies[ups] = p
	return p, nil
}

// intercept runs the listener's middleware checks of the current configuration.
func (r *grpcRouter) intercept(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	checks, err := r.checksFor(r.g.Snapshot())
	if err != nil {
		return status.Error(codes.Internal, "gateway misconfigured")
	}
	return grpcmw.StreamInterceptor(checks...)(srv, ss, info, h)
}

func (r *grpcRouter) checksFor(snap *gateway.Snapshot) ([]grpcmw.Check, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.checks[snap]; ok {
		return c, nil
	}
	b, ok := snap.Pipeline().(*pipeline.Builder)
	if !ok {
		return nil, fmt.Errorf("no middleware builder")
	}
	c, err := b.GRPCChecks(r.l)
	if err != nil {
		return nil, err
	}
	r.checks = map[*gateway.Snapshot][]grpcmw.Check{snap: c} // only the current one is kept
	return c, nil
}
