package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/health"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/grpchttp"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/08-grpc-ws/grpcproxy"
)

// gateway is the running demo: the proxy, its discovery, and the REST + gRPC port.
type gateway struct {
	token    string
	ups      *grpcproxy.Upstreams
	grpcSrv  *grpc.Server
	httpSrv  *http.Server
	stats    *flowcount.Stats
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	served   chan error
	backends backends
}

func startGateway(ctx context.Context, o options, bs backends) (*gateway, error) {
	stats, err := flowcount.NewStats(flowcount.StatsConfig{})
	if err != nil {
		return nil, err
	}
	gw := &gateway{stats: stats, backends: bs, served: make(chan error, 2)}
	gw.ups = grpcproxy.NewUpstreams(balancer.NewRoundRobin(balancer.Options{}), grpcproxy.Dialer(grpcproxy.DialConfig{}))
	ctx, gw.cancel = context.WithCancel(ctx)
	if err := gw.startDiscovery(ctx); err != nil {
		return nil, err
	}
	checks, err := gw.checks(o)
	if err == nil {
		err = gw.serveGRPC(o.addr, checks)
	}
	if err == nil {
		if err = gw.serveHTTP(o.httpAddr, o.addr); err != nil {
			gw.grpcSrv.Stop()
			<-gw.served
		}
	}
	if err != nil {
		gw.stopDiscovery()
		return nil, err
	}
	return gw, nil
}

// stopDiscovery stops the observer and waits for it.
func (gw *gateway) stopDiscovery() {
	gw.cancel()
	gw.wg.Wait()
}

// startDiscovery runs 06's observer: the three backends as a static source, filtered
// by gRPC health checks, feeding the proxy's targets.
func (gw *gateway) startDiscovery(ctx context.Context) error {
	src, err := discovery.Static(gw.backends.instances()...)
	if err != nil {
		return err
	}
	checker, err := health.New(health.Config{
		Prober:   health.GRPC(health.GRPCConfig{Service: echopb.Echo_ServiceDesc.ServiceName}),
		Interval: time.Second, Rise: 2, Fall: 2,
	})
	if err != nil {
		return err
	}
	obs, err := discovery.New(discovery.Config{
		Source: src, Balancer: gw.ups, Checker: checker,
		PanicThreshold: -1, // a demo wants to see a target leave, even one of three
		OnUpdate:       gw.printTargets,
	})
	if err != nil {
		return err
	}
	gw.wg.Go(func() {
		if err := obs.Run(ctx); err != nil {
			slog.Error("discovery", "err", err)
		}
	})
	return nil
}

func (gw *gateway) printTargets(s discovery.Snapshot) {
	names := make([]string, len(s.Routed))
	for i, t := range s.Routed {
		names[i] = gw.backends.nameOf(t.Addr)
	}
	fmt.Printf("[discovery] update %d: calls now go to [%s]\n", s.Version, strings.Join(names, " "))
}

// checks are 07's decisions as interceptors: client address, a flow count, the rate
// limit per client address and, with -auth, a JWT.
func (gw *gateway) checks(o options) ([]grpcmw.Check, error) {
	limit, err := grpcmw.RateLimit(ratelimit.NewLocal(ratelimit.LocalConfig{}),
		ratelimit.Policy{Rate: o.rate, Burst: o.burst}, ratelimit.ByClientIP())
	if err != nil {
		return nil, err
	}
	checks := []grpcmw.Check{grpcmw.ClientIP(nil), grpcmw.FlowCount(gw.stats, flowcount.Service("echo")), limit}
	if !o.auth {
		return checks, nil
	}
	verifier, token, err := demoJWT()
	if err != nil {
		return nil, err
	}
	gw.token = token
	return append(checks, grpcmw.JWT(verifier)), nil
}

// demoJWT makes a key for this run only, a verifier and one token signed with it.
func demoJWT() (*jwtauth.Verifier, string, error) {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails (Go 1.24+)
	signer, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key:    jwtauth.SigningKey{Algorithm: jwtauth.HS256, Secret: secret},
		Issuer: "gatewaylab-demo", Audience: "echo",
	})
	if err != nil {
		return nil, "", err
	}
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: secret}},
		Issuer: "gatewaylab-demo", Audience: "echo",
	})
	if err != nil {
		return nil, "", err
	}
	token, _, err := signer.Sign("demo-user", "")
	return verifier, token, err
}

func (gw *gateway) serveGRPC(addr string, checks []grpcmw.Check) error {
	p, err := grpcproxy.New(grpcproxy.Config{
		Upstreams: gw.ups, DropMetadata: grpcmw.IdentityKeys, Outgoing: grpcmw.ForwardIdentity,
	})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	gw.grpcSrv = p.NewServer(grpcproxy.ServerConfig{}, grpc.ChainStreamInterceptor(grpcmw.StreamInterceptor(checks...)))
	go func() { gw.served <- gw.grpcSrv.Serve(lis) }()
	fmt.Printf("   transparent gRPC proxy on %s (no Echo code in it; balanced per call)\n", lis.Addr())
	return nil
}

// serveHTTP serves REST and gRPC on one port: gRPC calls go through stage 04's reverse
// proxy, over h2c, to the transparent proxy; the rest to a small REST API.
func (gw *gateway) serveHTTP(addr, grpcAddr string) error {
	transport, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{Protocol: reverseproxy.H2C})
	if err != nil {
		return err
	}
	rp, err := reverseproxy.New(reverseproxy.Config{Target: &url.URL{Scheme: "http", Host: grpcAddr}, Transport: transport})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	gw.httpSrv = grpchttp.NewServer(addr, grpchttp.Split(rp, gw.restAPI()))
	go func() { gw.served <- gw.httpSrv.Serve(lis) }()
	fmt.Printf("   REST + gRPC on %s (gRPC through the HTTP/2 reverse proxy, h2c)\n", lis.Addr())
	return nil
}

// shutdown stops both listeners gracefully within 5 s, then discovery.
func (gw *gateway) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs := []error{gw.httpSrv.Shutdown(ctx), grpcproxy.GracefulStop(ctx, gw.grpcSrv)}
	for range 2 {
		if err := <-gw.served; err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, grpc.ErrServerStopped) {
			errs = append(errs, err)
		}
	}
	gw.stopDiscovery()
	errs = append(errs, gw.ups.Close())
	return errors.Join(errs...)
}
