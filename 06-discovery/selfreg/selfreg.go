// Package selfreg lets a backend register itself (服务注册) while it serves and leave
// the registry before it stops: the order that lets a gateway drain it without a single
// failed request.
//
// On shutdown the order matters. Deregistering first removes the backend from every
// gateway's watch set within milliseconds, while it still answers; DrainDelay then
// gives requests already routed to it (picked just before the removal arrived) time to
// land; only then does the server stop accepting and finish its in-flight requests. A
// backend that stops serving first and deregisters after makes every gateway send it
// traffic it refuses, until health checks or passive ejection notice.
package selfreg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"gatewaylab/06-discovery/registry"
)

// Config says what to register where. Registry and Service are required.
type Config struct {
	Registry registry.Registry
	Service  string
	// Instance is what gateways see; an empty Addr means the listener's address (right
	// on loopback; behind NAT or in a container, set the address others reach).
	Instance registry.Instance
	// TTL is how long the entry outlives a crash of this process; 0 means 10 s.
	TTL time.Duration
	// DrainDelay is the time between deregistering and refusing new connections; 0
	// means 1 s, negative means none.
	DrainDelay time.Duration
	// ShutdownTimeout bounds the wait for in-flight requests; 0 means 10 s. After it,
	// remaining connections are closed.
	ShutdownTimeout time.Duration
	// Logger, if set, is told when the backend registers and deregisters.
	Logger *slog.Logger
}

// Serve serves srv on ln and keeps the backend registered until ctx ends (or the
// server or the registration fails); then it deregisters, waits DrainDelay and shuts
// srv down gracefully. It returns nil after a clean stop on ctx, otherwise what went
// wrong. It owns ln and srv from the call on.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, cfg Config) error {
	cfg, err := cfg.withDefaults(ln)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	regCtx, deregister := context.WithCancel(ctx)
	defer deregister()
	regErr := make(chan error, 1)
	go func() { regErr <- cfg.Registry.Register(regCtx, cfg.Service, cfg.Instance, cfg.TTL) }()
	cfg.log("registering", "service", cfg.Service, "addr", cfg.Instance.Addr, "ttl", cfg.TTL)

	var failure error
	serving := true
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		serving = false
		failure = fmt.Errorf("serve %s: %w", cfg.Instance.Addr, err)
	case err := <-regErr:
		regErr <- err // read again below, like a normal end
		failure = fmt.Errorf("register %s/%s: %w", cfg.Service, cfg.Instance.Addr, err)
	}

	deregister()
	if err := <-regErr; err != nil && failure == nil {
		failure = fmt.Errorf("deregister %s/%s: %w", cfg.Service, cfg.Instance.Addr, err)
	}
	if !serving {
		return errors.Join(failure, srv.Close())
	}
	cfg.log("deregistered; draining", "service", cfg.Service, "addr", cfg.Instance.Addr, "delay", cfg.DrainDelay)
	drain(cfg.DrainDelay)
	return errors.Join(failure, shutdown(srv, serveErr, cfg.ShutdownTimeout))
}

func (c Config) withDefaults(ln net.Listener) (Config, error) {
	if c.Registry == nil {
		return c, errors.New("selfreg: no registry")
	}
	if c.Instance.Addr == "" {
		c.Instance.Addr = ln.Addr().String()
	}
	if c.TTL == 0 {
		c.TTL = 10 * time.Second
	}
	if c.DrainDelay == 0 {
		c.DrainDelay = time.Second
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	return c, nil
}

func (c Config) log(msg string, args ...any) {
	if c.Logger != nil {
		c.Logger.Info("selfreg: "+msg, args...)
	}
}

// drain waits d: deliberately not cut short by any context, since the caller's has
// ended already and this wait is the point.
func drain(d time.Duration) {
	if d > 0 {
		time.Sleep(d)
	}
}

// shutdown stops accepting, waits up to timeout for in-flight requests, then closes
// what is left, and returns the server's own error if it was not the expected one.
func shutdown(srv *http.Server, serveErr <-chan error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err), srv.Close())
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
