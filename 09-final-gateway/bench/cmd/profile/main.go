// Command profile runs the gateway in-process under load and writes CPU and
// allocation profiles: the gateway has no pprof endpoint of its own (an operator's
// gateway should not), so this harness starts server.Start with the benchmark's
// gateway configuration, serves net/http/pprof on a separate loopback port for ad-hoc
// looks, starts the two benchmark backends as child processes, warms up, and profiles
// one wrk run.
//
//	go build -o /tmp/bench/ ./09-final-gateway/bench/cmd/backend ./09-final-gateway/bench/cmd/profile
//	/tmp/bench/profile -backend /tmp/bench/backend -out /tmp/prof -d 10s
//	go tool pprof -top -nodecount 40 /tmp/bench/profile /tmp/prof/cpu.pprof
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // the ad-hoc endpoint on -pprof, never on the gateway's listeners
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/bench/internal/targets"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/server"
)

type options struct {
	backend, out, pprofAddr, path string
	dur, warm                     time.Duration
	hold                          bool
}

func main() {
	var o options
	flag.StringVar(&o.backend, "backend", "", "bench backend binary (required)")
	flag.StringVar(&o.out, "out", "", "directory for the profiles (required)")
	flag.StringVar(&o.pprofAddr, "pprof", "127.0.0.1:18901", "net/http/pprof address")
	flag.StringVar(&o.path, "path", "/", "request path wrk asks for (/ is 64 bytes, /16k 16 KiB)")
	flag.DurationVar(&o.dur, "d", 10*time.Second, "profiled wrk run")
	flag.DurationVar(&o.warm, "warm", 2*time.Second, "unprofiled warm-up")
	flag.BoolVar(&o.hold, "hold", false, "after profiling, keep serving until Ctrl-C (for go tool pprof -http against -pprof)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.backend == "" || o.out == "" {
		return fmt.Errorf("-backend and -out are required")
	}
	if err := os.MkdirAll(filepath.Join(o.out, "logs"), 0o755); err != nil {
		return err
	}
	layout := targets.NewLayout(o.out, runtime.NumCPU(), targets.DefaultPorts)
	if err := layout.Render(); err != nil {
		return err
	}
	stopBackends, err := startBackends(layout, o.backend)
	if err != nil {
		return err
	}
	defer stopBackends()
	f, err := config.Load(filepath.Join(o.out, targets.GatewayConf))
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.Start(ctx, server.Options{File: f, Logger: logger})
	if err != nil {
		return err
	}
	defer srv.Shutdown(context.WithoutCancel(ctx))
	stopPprof, err := servePprof(o.pprofAddr)
	if err != nil {
		return err
	}
	defer stopPprof()
	url := "http://" + layout.Ports.GatewayHTTP + o.path
	if err := profileLoad(ctx, o, url); err != nil {
		return err
	}
	if o.hold {
		fmt.Printf("serving; pprof at http://%s/debug/pprof/ ; Ctrl-C to stop\n", o.pprofAddr)
		<-ctx.Done()
	}
	return nil
}

// profileLoad warms up, then profiles CPU during one wrk run and writes the
// allocations seen since the start (alloc_space / alloc_objects) afterwards.
func profileLoad(ctx context.Context, o options, url string) error {
	if err := wrk(ctx, o.warm, url, nil); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	cpu, err := os.Create(filepath.Join(o.out, "cpu.pprof"))
	if err != nil {
		return err
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return err
	}
	err = wrk(ctx, o.dur, url, os.Stdout)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	allocs, err := os.Create(filepath.Join(o.out, "allocs.pprof"))
	if err != nil {
		return err
	}
	defer allocs.Close()
	if err := pprof.Lookup("allocs").WriteTo(allocs, 0); err != nil {
		return err
	}
	fmt.Printf("profiles: %s/cpu.pprof %s/allocs.pprof\n", o.out, o.out)
	return nil
}

func wrk(ctx context.Context, d time.Duration, url string, out *os.File) error {
	cmd := exec.CommandContext(ctx, "wrk", "-t2", "-c64", fmt.Sprintf("-d%ds", int(d.Seconds())), "--latency", url)
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	return cmd.Run()
}

// startBackends starts the two benchmark backends as children (same session) and
// waits until they listen.
func startBackends(l targets.Layout, bin string) (func(), error) {
	var cmds []*exec.Cmd
	stop := func() {
		for _, c := range cmds {
			c.Process.Signal(syscall.SIGTERM)
			c.Wait()
		}
	}
	for _, p := range l.Processes(targets.Bins{Backend: bin})[:2] {
		cmd := exec.Command(p.Args[0], p.Args[1:]...)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			stop()
			return nil, err
		}
		cmds = append(cmds, cmd)
		if err := waitListen(p.Ready, 10*time.Second); err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}

func waitListen(addrs []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, a := range addrs {
		for {
			c, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s does not listen", a)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

func servePprof(addr string) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.DefaultServeMux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}
