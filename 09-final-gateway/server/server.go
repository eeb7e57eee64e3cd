// Package server assembles a gateway process from a configuration: the shared
// middleware state, metrics, the gateway's listeners, the admin listener and, for the
// embedded default, the demo backends. cmd/gateway runs it; the end-to-end tests run
// it in-process and as a real binary.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/accesslog"
	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/recovery"
	"gatewaylab/07-middleware/requestid"
	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/demo"
	"gatewaylab/09-final-gateway/gateway"
	"gatewaylab/09-final-gateway/metrics"
	"gatewaylab/09-final-gateway/pipeline"
)

// Options configure a Server.
type Options struct {
	// File is the configuration to serve. Required.
	File *config.File
	// Logger receives the gateway's logs (default slog.Default()).
	Logger *slog.Logger
	// AccessLog receives access-log lines when the configuration enables them.
	AccessLog *slog.Logger
	// AdminToken protects the admin API. Required unless the admin listener is off.
	AdminToken string
}

// Server is a running gateway process.
type Server struct {
	Gateway *gateway.Gateway
	Metrics *metrics.Metrics
	Shared  *pipeline.Shared
	Admin   *Admin
	demo    *demo.Backends
	logger  *slog.Logger
	ready   atomic.Bool
	file    *config.File // the configuration as loaded (its Name is the file to reload)
	hourly  *hourly
	id      string
	started time.Time
	cancel  context.CancelFunc // stops background work (hourly sampling)
	wg      sync.WaitGroup
	etcd    etcdState
	cluster clusterMode
	applyMu sync.Mutex // serialises configuration changes from the admin API and etcd

	degradedMu sync.Mutex
	down       map[string]bool // cluster dependencies that are unreachable now
}

// Start builds everything from opts.File and opens every listener.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.AccessLog == nil {
		opts.AccessLog = opts.Logger
	}
	cfg := opts.File.Config
	s := &Server{Metrics: metrics.New(), logger: opts.Logger, file: opts.File, started: time.Now(), id: instanceID()}
	var err error
	if s.Shared, err = pipeline.NewShared(cfg, opts.Logger); err != nil {
		return nil, err
	}
	s.Shared.OnBreaker = func(route string, _, to breaker.State) {
		s.Metrics.SetBreaker(route, int(to))
		opts.Logger.Warn("circuit breaker changed state", "route", route, "state", to.String())
	}
	if cfg.Cluster.Etcd != nil {
		if opts.File, err = s.loadFromEtcd(ctx, opts.File); err != nil {
			return nil, err
		}
		s.file = opts.File
		cfg = opts.File.Config
	}
	if s.demo, err = demo.Start(opts.Logger, cfg.Demo.Backends, cfg.Demo.TCP); err != nil {
		return nil, err
	}
	if err := errors.Join(s.demo.StartGRPC(cfg.Demo.GRPC), s.demo.StartWebSocket(cfg.Demo.WebSocket)); err != nil {
		s.demo.Shutdown(ctx)
		return nil, err
	}
	deps := &gateway.Deps{
		Prepare:    func(f *config.File) (gateway.Pipeline, error) { return s.Shared.Prepare(f.Config) },
		Entry:      s.entry(opts),
		TCPEntry:   s.tcpEntry,
		GRPC:       s.grpcListener,
		NewService: s.newService,
		OnReload: func(snap *gateway.Snapshot, err error) {
			hash := ""
			if snap != nil {
				hash = snap.Hash
			}
			s.Metrics.Reloaded(hash, err)
		},
	}
	if s.Gateway, err = gateway.New(opts.File, deps, opts.Logger); err != nil {
		s.demo.Shutdown(ctx)
		return nil, err
	}
	s.Metrics.SetConfigHash(s.Gateway.Snapshot().Hash)
	if err := s.Gateway.Start(); err != nil {
		s.demo.Shutdown(ctx)
		return nil, err
	}
	if cfg.Admin.Listen != "off" {
		if s.Admin, err = startAdmin(s, cfg.Admin, opts.AdminToken); err != nil {
			s.Shutdown(ctx)
			return nil, err
		}
	}
	s.hourly = newHourly(s.Shared.Stats)
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Go(func() { s.hourly.run(bg, 10*time.Second) })
	if s.cluster.store != nil {
		s.wg.Go(func() { s.watchEtcd(bg) })
		s.wg.Go(func() { s.pingEtcd(bg) })
		s.wg.Go(func() { s.announce(bg) })
	}
	if s.Shared.Redis != nil {
		if err := s.startCounters(bg); err != nil {
			s.Shutdown(ctx)
			return nil, err
		}
	}
	s.ready.Store(true)
	return s, nil
}

// degraded records whether a cluster dependency is unreachable.
func (s *Server) degraded(dependency string, down bool) {
	s.degradedMu.Lock()
	defer s.degradedMu.Unlock()
	if s.down == nil {
		s.down = map[string]bool{}
	}
	s.down[dependency] = down
}

// Degraded lists the cluster dependencies that are unreachable now. The gateway still
// serves (its last good configuration; limits in their fail mode): readiness reports
// it, but does not take the instance out of rotation, which would turn a dependency's
// outage into the whole cluster's.
func (s *Server) Degraded() []string {
	s.degradedMu.Lock()
	defer s.degradedMu.Unlock()
	var out []string
	for dep, down := range s.down {
		if down {
			out = append(out, dep)
		}
	}
	sort.Strings(out)
	return out
}

// ReloadFile re-reads the file the configuration came from and applies it. The
// embedded default has no file: it is reloaded as it is.
func (s *Server) ReloadFile() (string, error) {
	f := s.file
	if f.Name != config.DefaultName {
		var err error
		if f, err = config.Load(f.Name); err != nil {
			s.Metrics.Reloaded("", err)
			s.logger.Warn("config reload refused; the current configuration keeps serving", "err", err)
			return "", err
		}
	}
	if err := s.Gateway.Reload(f); err != nil {
		return "", err
	}
	return s.Gateway.Snapshot().Hash, nil
}

// persistPath is where admin changes are saved: admin.persist_to, else the loaded file.
func (s *Server) persistPath() string {
	if p := s.Gateway.Snapshot().File.Config.Admin.PersistTo; p != "" {
		return p
	}
	if s.file.Name != config.DefaultName {
		return s.file.Name
	}
	return ""
}

func instanceID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "gateway"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// entry builds what runs before routing on every HTTP listener, outermost first:
// request info, recovery, request id, access log, metrics, client IP.
func (s *Server) entry(opts Options) func(config.Listener, http.Handler) (http.Handler, error) {
	return func(l config.Listener, next http.Handler) (http.Handler, error) {
		trust, err := forwarded.ParseTrust(l.TrustedProxies...)
		if err != nil {
			return nil, err
		}
		h, err := clientip.New(next, clientip.Config{Trust: trust})
		if err != nil {
			return nil, err
		}
		h = s.Metrics.Middleware(l.Name, routeInfo, s.countErrors, h)
		if opts.File.Config.Log.Access {
			if h, err = accesslog.New(h, accesslog.Config{Logger: opts.AccessLog, RouteFunc: routeName}); err != nil {
				return nil, err
			}
		}
		if h, err = requestid.New(h, requestid.Config{TrustInbound: len(l.TrustedProxies) > 0}); err != nil {
			return nil, err
		}
		if h, err = recovery.New(h, recovery.Config{Logger: s.logger}); err != nil {
			return nil, err
		}
		return withInfo(l.Name, h), nil
	}
}

// countErrors counts 5xx answers in the flow counter "errors" (the dashboard's error
// rate is errors.today / total.today).
func (s *Server) countErrors(code int) {
	if code >= 500 && code != 599 {
		s.Shared.Stats.Add("errors")
	}
}

func withInfo(listener string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = gateway.WithInfo(r, listener)
		next.ServeHTTP(w, r)
	})
}

// routeName is the route the router matched for r, for the access log.
func routeName(r *http.Request) string {
	route, _ := routeInfo(r)
	return route
}

func routeInfo(r *http.Request) (string, string) {
	if info := gateway.InfoFrom(r); info != nil {
		return info.Route, info.Service
	}
	return "", ""
}

// Ready reports whether the gateway serves its configuration (false while starting and
// shutting down; cluster mode adds its dependencies).
func (s *Server) Ready() bool { return s.ready.Load() }

// Shutdown stops the admin listener, drains every gateway listener within ctx, and
// stops the demo backends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.ready.Store(false)
	var errs []error
	if s.Gateway != nil {
		errs = append(errs, s.Gateway.Shutdown(ctx))
	}
	if s.Admin != nil {
		errs = append(errs, s.Admin.Shutdown(ctx))
	}
	if s.demo != nil {
		errs = append(errs, s.demo.Shutdown(ctx))
	}
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
	errs = append(errs, s.Shared.Close(), s.closeEtcd())
	return errors.Join(errs...)
}

// AddDemoApp adds the configuration's demo tenant (demo.app) with a secret made now,
// and returns the secret to print ("" without a demo app). The secret is valid for this
// process only.
func AddDemoApp(f *config.File) string {
	id := f.Config.Demo.App
	if id == "" {
		return ""
	}
	s := secret.Generate()
	f.Config.Apps = append(f.Config.Apps, config.App{ID: id, Name: "demo tenant", SecretHash: secret.Hash(s),
		QPS: 5, Burst: 5, DailyQuota: 1000})
	return s
}

// Check builds everything a configuration describes, as Start would, without opening
// a listener or starting a watcher: what `gateway check` runs. Errors name the file,
// line and field.
func Check(f *config.File) error {
	AddDemoApp(f)
	logger := slog.New(slog.DiscardHandler)
	shared, err := pipeline.NewShared(f.Config, logger)
	if err != nil {
		return err
	}
	defer shared.Close()
	g, err := gateway.New(f, &gateway.Deps{
		Prepare: func(f *config.File) (gateway.Pipeline, error) { return shared.Prepare(f.Config) },
	}, logger)
	if err != nil {
		return err
	}
	return g.Shutdown(context.Background())
}
