// Command loadgen is the benchmark's load generator for what wrk and h2load cannot
// drive: WebSocket echo round trips and gRPC unary calls. Each of -c workers runs a
// closed loop (send, wait for the answer, send again) for -d, after a warm-up; the
// result is one JSON line on stdout: requests, seconds, req/s, p50 and p99 in ms.
//
//	loadgen ws   -url ws://127.0.0.1:18001/ws -c 64 -d 8s -size 64
//	loadgen grpc -addr 127.0.0.1:18101 -c 64 -conns 4 -d 8s -size 64
//	loadgen idle -url http://127.0.0.1:18201/ -n 1000 -hold 30s    (also ws:// URLs)
//
// idle opens -n connections, prints {"ready": n} once all are open and holds them
// until stdin closes: the benchmark reads the proxy's memory meanwhile.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"
)

// worker makes one round trip per call; it is not safe for concurrent use.
type worker func(ctx context.Context) error

// Result is what loadgen prints.
type Result struct {
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen ws|grpc|idle [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, mode string, args []string) error {
	fs := flag.NewFlagSet("loadgen "+mode, flag.ContinueOnError)
	url := fs.String("url", "ws://127.0.0.1:18001/ws", "URL (ws: a ws:// URL; idle: http:// or ws://)")
	addr := fs.String("addr", "127.0.0.1:18101", "gRPC address (grpc)")
	conc := fs.Int("c", 64, "concurrent workers (WebSocket connections, gRPC calls in flight)")
	conns := fs.Int("conns", 4, "gRPC connections the workers share")
	dur := fs.Duration("d", 8*time.Second, "measured duration")
	warm := fs.Duration("warmup", time.Second, "unmeasured warm-up before it")
	size := fs.Int("size", 64, "message size in bytes")
	n := fs.Int("n", 1000, "connections to hold open (idle)")
	hold := fs.Duration("hold", 30*time.Second, "longest hold (idle)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var workers []worker
	var closeAll func()
	var err error
	switch mode {
	case "idle":
		return holdIdle(ctx, *url, *n, *hold)
	case "ws":
		workers, closeAll, err = wsWorkers(ctx, *url, *conc, *size)
	case "grpc":
		workers, closeAll, err = grpcWorkers(ctx, *addr, *conc, *conns, *size)
	default:
		return fmt.Errorf("unknown mode %q (want ws, grpc or idle)", mode)
	}
	if err != nil {
		return err
	}
	defer closeAll()
	res := drive(ctx, workers, *warm, *dur)
	if res.Requests == 0 {
		return errors.New("no request completed")
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// drive runs every worker in a closed loop: warm-up first, then the measured window,
// whose latencies each worker keeps for the percentiles.
func drive(ctx context.Context, workers []worker, warm, dur time.Duration) Result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	measureFrom := time.Now().Add(warm)
	stopAt := measureFrom.Add(dur)
	lat := make([][]time.Duration, len(workers))
	errs := make([]int64, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				start := time.Now()
				if start.After(stopAt) {
					return
				}
				err := w(ctx)
				if start.Before(measureFrom) {
					continue
				}
				if err != nil {
					errs[i]++
					continue
				}
				lat[i] = append(lat[i], time.Since(start))
			}
		})
	}
	wg.Wait()
	return summarise(lat, errs, dur)
}

func summarise(lat [][]time.Duration, errs []int64, dur time.Duration) Result {
	var all []time.Duration
	var nerr int64
	for i := range lat {
		all = append(all, lat[i]...)
		nerr += errs[i]
	}
	slices.Sort(all)
	r := Result{Requests: int64(len(all)), Errors: nerr, Seconds: dur.Seconds()}
	r.RPS = float64(r.Requests) / r.Seconds
	if len(all) > 0 {
		r.P50ms = ms(all[len(all)*50/100])
		r.P99ms = ms(all[len(all)*99/100])
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
