package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/embedetcd"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// run starts etcd and the proxy, then the backends, plays the script and stops
// everything in reverse order.
func run(ctx context.Context, o options, p *printer) error {
	dir, err := os.MkdirTemp("", "gatewaylab-etcd-")
	if err != nil {
		return err
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			p.say("remove %s: %v", dir, err)
		}
	}()
	etcd, err := embedetcd.Start(embedetcd.Config{Dir: dir})
	if err != nil {
		return err
	}
	defer etcd.Stop()
	p.say("etcd:      %s (embedded, data in %s)", etcd.Endpoints()[0], dir)

	client, err := clientv3.New(etcdreg.ClientConfig(etcd.Endpoints()))
	if err != nil {
		return fmt.Errorf("etcd client: %w", err)
	}
	defer func() {
		if err := client.Close(); err != nil {
			p.say("close etcd client: %v", err)
		}
	}()
	warnings := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	reg, err := etcdreg.New(etcdreg.Config{Client: client, Logger: warnings})
	if err != nil {
		return err
	}
	f := &fleet{endpoints: etcd.Endpoints(), backends: map[int]*backend{}}
	defer func() { // before etcd stops, so that they can deregister
		if err := f.stopAll(); err != nil {
			p.say("stopping backends: %v", err)
		}
	}()
	return serveGateway(ctx, o, p, reg, f)
}

// serveGateway runs the proxy, starts the backends and plays the script (and, with
// -hold, keeps serving until ctx ends).
func serveGateway(ctx context.Context, o options, p *printer, reg *etcdreg.Registry, f *fleet) error {
	gw, err := newGateway(reg, o.policy, p)
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return fmt.Errorf("proxy: listen on %s (try -addr 127.0.0.1:0): %w", o.addr, err)
	}
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	proxyURL := "http://" + ln.Addr().String()
	p.say("proxy:     %s  policy %s, watching %s*", proxyURL, o.policy, reg.ServicePrefix(service))
	p.say("           probes GET /healthz every %v (rise %d, fall %d); ejects after %d failed requests in a row",
		checkConfig.Interval, checkConfig.Rise, checkConfig.Fall, ejectConfig.ConsecutiveFailures)

	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var observerErr, serveErr error
	wg.Go(func() { observerErr = gw.observer.Run(bg) })
	wg.Go(func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	})
	scriptErr := startFleet(ctx, o, p, reg, f)
	if scriptErr == nil {
		scriptErr = play(ctx, o, p, gw, f, proxyURL)
	}
	if scriptErr == nil && o.hold {
		p.say("\nholding until Ctrl-C; try: curl -s %s/_discovery", proxyURL)
		<-ctx.Done()
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	stopBG()
	wg.Wait()
	return errors.Join(scriptErr, shutdownErr, observerErr, serveErr)
}

// startFleet starts the three backends, each registering itself.
func startFleet(ctx context.Context, o options, p *printer, reg *etcdreg.Registry, f *fleet) error {
	p.say("")
	for n := 1; n <= 3; n++ {
		b, err := startBackend(ctx, n, "127.0.0.1:0", f.endpoints, o.ttl)
		if err != nil {
			return err
		}
		f.set(b)
		p.nameBackend(b.addr, fmt.Sprintf("backend %d", n))
		p.say("backend %d: http://%s  registers %s with a %v lease", n, b.addr, reg.Key(service, b.addr), o.ttl)
	}
	return nil
}
