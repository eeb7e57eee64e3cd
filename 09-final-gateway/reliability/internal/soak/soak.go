// Package soak runs the gateway under mixed load for a long time and measures whether
// it stays healthy: HTTP (kept-alive and fresh connections, GET and POST), WebSocket
// (sessions that last the whole run, and sessions opened and closed all the time),
// gRPC (unary and server-streaming) and TCP (a long session and short ones), all on
// loopback, while the configuration is rewritten every ReloadEvery (one reload in five
// is an invalid file, which must be refused without a trace on the traffic).
//
// It samples the gateway's own /metrics (go_goroutines, process_resident_memory_bytes)
// and reports, per window, what was sent and what failed. Leaks are judged at two quiet
// points, after the warm-up and at the end: the short-lived traffic is stopped and its
// connections closed (the long-lived sessions stay), the gateway is given a moment to
// settle, and its goroutines and memory are read. The second reading must match the
// first: goroutines within a few, resident memory within 10%.
package soak

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/template"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/backend"
	"gatewaylab/09-final-gateway/reliability/internal/load"
)

// Config says how to soak. Zero fields take the defaults named with them.
type Config struct {
	Bin         string        // the gateway binary (proc.Build). Required.
	Dir         string        // where the configuration file is written. Required.
	Duration    time.Duration // the whole run, warm-up included; default 10m
	ReloadEvery time.Duration // default 10s
	Warmup      time.Duration // default a tenth of Duration
	Windows     int           // rows of the report's table; default 10
	Every       time.Duration // pause between two requests of one worker; default 2ms
	Log         io.Writer     // progress lines; default io.Discard
}

func (c Config) withDefaults() Config {
	if c.Duration == 0 {
		c.Duration = 10 * time.Minute
	}
	if c.ReloadEvery == 0 {
		c.ReloadEvery = 10 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = c.Duration / 10
	}
	if c.Windows == 0 {
		c.Windows = 10
	}
	if c.Every == 0 {
		c.Every = 2 * time.Millisecond
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

//go:embed soak.yaml.tmpl
var configText string

var configTemplate = template.Must(template.New("soak").Parse(configText))

// gatewayConfig fills soak.yaml.tmpl.
type gatewayConfig struct {
	Admin, Web, GRPC, TCP string
	API, GRPCBackends     []string
	WS, TCPBackend        string
	Gen                   int
	Policy                string
	Extra                 bool
}

// generation sets c to configuration generation gen: the api route's headers change
// every time (its middleware is rebuilt), the balancing policy every other time (the
// service is rebuilt), and every third generation has a route of its own.
func (c *gatewayConfig) generation(gen int) {
	c.Gen, c.Policy, c.Extra = gen, "round_robin", gen%3 == 0
	if gen%2 == 1 {
		c.Policy = "least_conn"
	}
}

func (c *gatewayConfig) render() ([]byte, error) {
	var b strings.Builder
	if err := configTemplate.Execute(&b, c); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Run soaks a gateway started from cfg.Bin and returns what happened. It returns an
// error only when the soak could not run; Report.Check judges the result.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	env, err := startEnv(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer env.close()
	r := &Report{Config: cfg, Start: time.Now()}
	env.startSessions(ctx)
	err = env.phase(ctx, r, cfg.Warmup)
	if err == nil {
		r.Warm, err = env.quiet(ctx)
	}
	if err == nil {
		err = env.phase(ctx, r, cfg.Duration-cfg.Warmup)
	}
	if err == nil {
		r.End, err = env.quiet(ctx)
	}
	env.stopSessions()
	r.Elapsed = time.Since(r.Start)
	r.finish(&env.tallies)
	if err != nil {
		return r, err
	}
	m, err := env.gw.Scrape(ctx)
	if err != nil {
		return r, err
	}
	r.Reloads, r.Refused = m.Value("gateway_config_reloads_total", `result="ok"`), m.Value("gateway_config_reloads_total", `result="refused"`)
	return r, env.gw.Stop(30 * time.Second)
}

// env is a running soak: the gateway, its backends and the long-lived sessions.
type env struct {
	cfg      Config
	gc       gatewayConfig
	gw       *proc.Gateway
	closers  []func()
	tallies  tallies
	sessions *load.Workers
	gen      int
}

func startEnv(ctx context.Context, cfg Config) (*env, error) {
	e := &env{cfg: cfg}
	if err := e.startBackends(); err != nil {
		e.close()
		return nil, err
	}
	addrs, err := proc.FreeAddrs(4)
	if err != nil {
		e.close()
		return nil, err
	}
	e.gc.Admin, e.gc.Web, e.gc.GRPC, e.gc.TCP = addrs[0], addrs[1], addrs[2], addrs[3]
	e.gc.generation(0)
	data, err := e.gc.render()
	if err != nil {
		e.close()
		return nil, err
	}
	path, err := proc.WriteConfig(cfg.Dir, data)
	if err != nil {
		e.close()
		return nil, err
	}
	if e.gw, err = proc.Start(ctx, proc.Options{Bin: cfg.Bin, Config: path, Admin: e.gc.Admin,
		Args: []string{"-watch", "250ms"}}); err != nil {
		e.close()
		return nil, err
	}
	e.closers = append(e.closers, func() { e.gw.Kill() })
	fmt.Fprintf(cfg.Log, "soak: gateway pid %d, web %s, grpc %s, tcp %s, admin %s\n", e.gw.Pid(), e.gc.Web, e.gc.GRPC, e.gc.TCP, e.gc.Admin)
	return e, nil
}

func (e *env) startBackends() error {
	for i := range 2 {
		h, err := backend.NewHTTP(fmt.Sprintf("api-%d", i+1))
		if err != nil {
			return err
		}
		e.closers = append(e.closers, h.Close)
		e.gc.API = append(e.gc.API, h.Addr())
		g, err := backend.NewGRPC(fmt.Sprintf("grpc-%d", i+1))
		if err != nil {
			return err
		}
		e.closers = append(e.closers, g.Close)
		e.gc.GRPCBackends = append(e.gc.GRPCBackends, g.Addr)
	}
	ws, err := backend.NewWebSocket()
	if err != nil {
		return err
	}
	e.closers = append(e.closers, ws.Close)
	tcp, err := backend.NewTCPEcho()
	if err != nil {
		return err
	}
	e.closers = append(e.closers, tcp.Close)
	e.gc.WS, e.gc.TCPBackend = ws.Addr, tcp.Addr
	return nil
}

// close stops everything started, last first.
func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// startSessions opens the sessions that must last the whole run: two WebSockets, one
// TCP session and two gRPC connections (unary and streaming).
func (e *env) startSessions(ctx context.Context) {
	every := 50 * time.Millisecond
	e.sessions = load.Start(ctx, 5, func(ctx context.Context, i int) {
		switch i {
		case 0, 1:
			wsWorker(ctx, e.gc.Web, 0, every, &e.tallies.WS)
		case 2:
			tcpWorker(ctx, e.gc.TCP, 0, every, &e.tallies.TCP)
		default:
			grpcWorker(ctx, e.gc.GRPC, i == 4, every, &e.tallies.GRPC)
		}
	})
}

func (e *env) stopSessions() {
	if e.sessions != nil {
		e.sessions.Stop()
	}
}

// churn starts the short-lived traffic: HTTP of every kind, WebSockets and TCP
// sessions opened and closed, more gRPC calls.
func (e *env) churn(ctx context.Context) *load.Workers {
	every := e.cfg.Every
	return load.Start(ctx, 8, func(ctx context.Context, i int) {
		switch i {
		case 0, 1:
			httpWorker(ctx, e.gc.Web, http.MethodGet, false, every, &e.tallies.HTTP)
		case 2:
			httpWorker(ctx, e.gc.Web, http.MethodGet, true, every, &e.tallies.HTTP)
		case 3:
			httpWorker(ctx, e.gc.Web, http.MethodPost, false, every, &e.tallies.HTTP)
		case 4:
			wsWorker(ctx, e.gc.Web, 5, every, &e.tallies.WS)
		case 5:
			tcpWorker(ctx, e.gc.TCP, 5, every, &e.tallies.TCP)
		default:
			grpcWorker(ctx, e.gc.GRPC, i == 7, every, &e.tallies.GRPC)
		}
	})
}
