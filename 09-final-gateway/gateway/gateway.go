package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpserver"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/upstream"
)

// Deps are the parts of a gateway that are plugged in from outside the package: the
// middleware pipeline (package pipeline), and the hooks metrics and the admin API use.
type Deps struct {
	// Prepare makes the middleware state of one configuration (keys, apps) and returns
	// what builds its routes. Nil runs routes without middleware.
	Prepare func(f *config.File) (Pipeline, error)
	// NewService builds a service (and starts what watches it: health checks,
	// discovery). Nil builds a plain static service.
	NewService func(sc config.Service) (*upstream.Service, error)
	// Entry wraps a listener's handler in what runs before routing (recovery, request
	// id, access log, metrics, client IP). Nil uses a minimal entry (client IP only).
	Entry func(l config.Listener, next http.Handler) (http.Handler, error)
	// TCPEntry wraps a tcp listener's proxy in its connection middleware (IP filter,
	// connection rate limit, flow count). Nil runs the proxy bare.
	TCPEntry func(l config.Listener, next tcpserver.Handler) (tcpserver.Handler, error)
	// GRPC builds the handler of a grpc listener (stage 08's transparent proxy).
	GRPC func(l config.Listener, g *Gateway) (GRPCServer, error)
	// ClientIP resolves a request's client address for hash balancing.
	ClientIP func(*http.Request) netip.Addr
	// OnReload is told about every reload attempt and its result.
	OnReload func(snap *Snapshot, err error)
}

// Gateway runs one configuration at a time. It is safe for concurrent use.
type Gateway struct {
	logger *slog.Logger
	deps   *Deps
	snap   atomic.Pointer[Snapshot]

	mu        sync.Mutex // serialises Start, Reload and Shutdown
	listeners map[string]*running
	base      context.Context // parent of every connection; cancelled at the end of Shutdown
	cancel    context.CancelFunc
	stopped   bool
}

// New builds the first snapshot from f. Call Start to open the listeners.
func New(f *config.File, deps *Deps, logger *slog.Logger) (*Gateway, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if deps == nil {
		deps = &Deps{}
	}
	if deps.Prepare == nil {
		deps.Prepare = func(*config.File) (Pipeline, error) { return bare{}, nil }
	}
	if deps.ClientIP == nil {
		deps.ClientIP = clientip.FromRequest
	}
	g := &Gateway{logger: logger, deps: deps, listeners: map[string]*running{}}
	g.base, g.cancel = context.WithCancel(context.Background())
	snap, err := build(f, nil, deps)
	if err != nil {
		return nil, err
	}
	g.snap.Store(snap)
	return g, nil
}

// Snapshot returns the configuration being served.
func (g *Gateway) Snapshot() *Snapshot { return g.snap.Load() }

// Start opens every listener of the current configuration. On error, the listeners
// already opened are closed.
func (g *Gateway) Start() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, l := range g.snap.Load().File.Config.Listeners {
		if err := g.startListener(l); err != nil {
			g.closeAllLocked()
			return err
		}
	}
	return nil
}

// Addr returns the address listener name is bound to ("" if it is not running): with
// port 0 in the configuration, this is where the kernel put it.
func (g *Gateway) Addr(name string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.listeners[name]; ok {
		return r.addr
	}
	return ""
}

// Reload builds a snapshot from f and swaps it in. An invalid configuration is refused
// and the current one keeps serving. Listeners whose settings did not change keep
// running (their connections untouched); changed ones are restarted, removed ones
// drained.
func (g *Gateway) Reload(f *config.File) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return errors.New("gateway is shut down")
	}
	old := g.snap.Load()
	snap, err := build(f, old, g.deps)
	if g.deps.OnReload != nil {
		g.deps.OnReload(snap, err)
	}
	if err != nil {
		g.logger.Warn("config reload refused; the current configuration keeps serving", "err", err)
		return err
	}
	g.snap.Store(snap)
	if err := g.reconcileLocked(old.File.Config.Listeners, f.Config.Listeners); err != nil {
		return err
	}
	old.close(snap)
	g.logger.Info("config reloaded", "hash", snap.Hash, "routes", len(f.Config.Routes), "services", len(f.Config.Services))
	return nil
}

// reconcileLocked stops listeners that were removed or changed and starts new or
// changed ones.
func (g *Gateway) reconcileLocked(before, after []config.Listener) error {
	want := map[string]config.Listener{}
	for _, l := range after {
		want[l.Name] = l
	}
	for _, l := range before {
		if nl, ok := want[l.Name]; ok && sameConfig(nl, l) {
			continue
		}
		if r, ok := g.listeners[l.Name]; ok {
			delete(g.listeners, l.Name)
			// Stop accepting now, so that a listener that moves keeps its port free
			// for its replacement; connections in flight finish in the background.
			r.stopAccepting()
			go r.drain(l.Timeouts.Shutdown.D())
		}
	}
	var errs []error
	for _, l := range after {
		if _, ok := g.listeners[l.Name]; ok {
			continue
		}
		if err := g.startListener(l); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Shutdown stops accepting, drains requests in flight within ctx, then closes what is
// left (hijacked connections such as WebSockets included).
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return nil
	}
	g.stopped = true
	var wg sync.WaitGroup
	errs := make(chan error, len(g.listeners))
	for _, r := range g.listeners {
		wg.Go(func() { errs <- r.shutdownWithin(ctx) })
	}
	wg.Wait()
	close(errs)
	g.cancel() // ends hijacked connections whose handlers are still running
	g.listeners = map[string]*running{}
	g.snap.Load().close(nil)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func (g *Gateway) closeAllLocked() {
	for name, r := range g.listeners {
		r.close()
		delete(g.listeners, name)
	}
}

// shutdownWithin drains r within its own grace period (and ctx). Connections still open
// when it ends are closed: that is the end of a graceful shutdown, not a failure.
func (r *running) shutdownWithin(ctx context.Context) error {
	if r.grace > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.grace)
		defer cancel()
	}
	err := r.shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		r.logger.Warn("listener grace period over: open connections closed", "listener", r.name, "grace", r.grace)
		return nil
	}
	return err
}

// drainGrace bounds how long a replaced listener may take to drain.
const drainGrace = 30 * time.Second

func (r *running) drain(timeout time.Duration) {
	if timeout <= 0 {
		timeout = drainGrace
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.shutdown(ctx); err != nil {
		r.logger.Warn("listener drain incomplete", "listener", r.name, "err", err)
	}
}

// Pipeline builds the middleware of one configuration's routes.
type Pipeline interface {
	// Route wraps service, the route's proxy, in rc's middleware. lookup finds other
	// services (fallbacks).
	Route(rc config.Route, service http.Handler, lookup func(name string) (http.Handler, error)) (http.Handler, error)
	// Token returns the path and handler of the token endpoint (nil handler: none).
	Token() (string, http.Handler)
}

// bare is the Pipeline of a gateway without middleware (tests of routing alone).
type bare struct{}

func (bare) Route(_ config.Route, service http.Handler, _ func(string) (http.Handler, error)) (http.Handler, error) {
	return service, nil
}

func (bare) Token() (string, http.Handler) { return "", nil }
