// Command baregw is the gateway with nothing but routing: the same configuration file,
// router, services (balancer, pooled transport) and reverse proxy as cmd/gateway, but
// no middleware, no metrics, no health checks and no admin listener. The benchmark
// runs it next to the full gateway so that the cost of the middleware shows on its own.
//
//	baregw -config bench-gateway.yaml
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/gateway"
)

func main() {
	path := flag.String("config", "", "gateway configuration file (required)")
	flag.Parse()
	if err := run(*path); err != nil {
		fmt.Fprintln(os.Stderr, "baregw:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	if path == "" {
		return fmt.Errorf("-config is required")
	}
	f, err := config.Load(path)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	g, err := gateway.New(f, nil, logger)
	if err != nil {
		return err
	}
	if err := g.Start(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return g.Shutdown(shutdownCtx)
}
