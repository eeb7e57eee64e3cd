// Command soak runs the gateway under mixed HTTP, WebSocket, gRPC and TCP load on
// loopback for a while, rewriting its configuration every few seconds, and prints a
// table of what it sent, what failed, and how the gateway's goroutines and memory
// moved. It exits 1 when the soak failed (an unexpected error, goroutines or memory
// growing after the warm-up).
//
//	go run ./09-final-gateway/reliability/cmd/soak                      # ten minutes
//	go run ./09-final-gateway/reliability/cmd/soak -duration 1m -reload 2s
//	go run ./09-final-gateway/reliability/cmd/soak -gateway ./gateway   # an existing binary
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/soak"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	duration := fs.Duration("duration", 10*time.Minute, "how long to soak, warm-up included")
	reload := fs.Duration("reload", 10*time.Second, "how often to rewrite the configuration (one in five is invalid on purpose)")
	every := fs.Duration("every", 2*time.Millisecond, "pause between two requests of one worker (lower: more load)")
	bin := fs.String("gateway", "", "gateway binary to soak (default: build cmd/gateway now)")
	race := fs.Bool("race", false, "build the gateway with the race detector")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "gateway-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		fmt.Fprintf(stderr, "soak: building %s\n", proc.Package)
		if *bin, err = proc.Build(ctx, dir, *race); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "soak: %v of mixed load, a reload every %v; Ctrl-C stops early\n", *duration, *reload)
	r, err := soak.Run(ctx, soak.Config{Bin: *bin, Dir: dir, Duration: *duration, ReloadEvery: *reload, Every: *every, Log: stderr})
	if r != nil {
		fmt.Fprintln(stdout, r.Table())
	}
	if err != nil {
		return err
	}
	if err := r.Check(); err != nil {
		return fmt.Errorf("the soak failed:\n%w", err)
	}
	fmt.Fprintln(stdout, "Try next: a longer run (-duration 1h), more load (-every 0s), or -race to hunt data races under load.")
	return nil
}
