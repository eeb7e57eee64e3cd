// Command lbproxy is an HTTP reverse proxy on 127.0.0.1 that balances between three
// demo backends it starts itself, with the policy chosen by -policy. It sends a burst of
// requests through itself to show the spread, prints curl lines to try, and on Ctrl-C
// prints how many requests each backend got.
//
//	go run ./05-loadbalance/cmd/lbproxy -policy round_robin
//	go run ./05-loadbalance/cmd/lbproxy -policy consistent_hash -key header:X-User
//	go run ./05-loadbalance/cmd/lbproxy -policy peak_ewma
//
// The proxy here is net/http/httputil.ReverseProxy with Rewrite, one per backend; the
// gateway uses 04-proxy's production proxy in its place.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"gatewaylab/05-loadbalance/balancer"
)

type config struct {
	addr    string
	policy  string
	key     string
	weights []int
	warmup  int
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "lbproxy:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "lbproxy:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("lbproxy", flag.ContinueOnError)
	cfg := config{}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "proxy listen address")
	fs.StringVar(&cfg.policy, "policy", balancer.PolicyRoundRobin, "one of "+strings.Join(balancer.Policies(), ", "))
	fs.StringVar(&cfg.key, "key", "header:X-User", "hash key for consistent_hash and bounded_hash: ip, path, header:NAME or cookie:NAME")
	weights := fs.String("weights", "1,1,1", "weights of backends 1, 2 and 3")
	fs.IntVar(&cfg.warmup, "warmup", 60, "requests the demo sends through the proxy at start (10 users, 6 at a time)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	for i, f := range strings.Split(*weights, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return cfg, fmt.Errorf("-weights: backend %d: %w", i+1, err)
		}
		cfg.weights = append(cfg.weights, w)
	}
	if len(cfg.weights) != len(backendDelays) {
		return cfg, fmt.Errorf("-weights: %d values, want %d", len(cfg.weights), len(backendDelays))
	}
	return cfg, nil
}
