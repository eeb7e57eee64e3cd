// Command grpc-proxy runs the whole gRPC side of the stage on loopback: three Echo
// backends, the transparent proxy (透明代理) balancing every call over them with targets
// fed by stage 06's discovery observer and gRPC health checks, stage 07's checks as
// interceptors, and a second port where REST and gRPC share one listener through stage
// 04's HTTP/2 reverse proxy. It runs until Ctrl-C and prints what to try.
//
//	go run ./08-grpc-ws/cmd/grpc-proxy
//	go run ./08-grpc-ws/cmd/grpc-proxy -auth   # calls need a JWT (one is printed)
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

type options struct {
	addr     string
	httpAddr string
	auth     bool
	rate     float64
	burst    int
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8402", "transparent gRPC proxy address")
	flag.StringVar(&o.httpAddr, "http", "127.0.0.1:8403", "REST + gRPC (through the HTTP/2 reverse proxy) address")
	flag.BoolVar(&o.auth, "auth", false, "require a JWT on every call (a token is printed)")
	flag.Float64Var(&o.rate, "rate", 20, "calls per second allowed per client address")
	flag.IntVar(&o.burst, "burst", 40, "calls allowed at once per client address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		slog.Error("grpc-proxy", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	fmt.Println("== gRPC proxy demo: 3 Echo backends, a transparent proxy, REST + gRPC on one port")
	bs, err := startBackends(3)
	if err != nil {
		return err
	}
	defer bs.stop()
	gw, err := startGateway(ctx, o, bs)
	if err != nil {
		return err
	}
	printTryLines(o, gw.token)
	<-ctx.Done()
	fmt.Println("\nshutting down: no new calls, calls in flight get 5 s to finish")
	return gw.shutdown()
}

func printTryLines(o options, token string) {
	client := "go run ./08-grpc-ws/cmd/echo-client"
	auth := ""
	if token != "" {
		auth = ` -token "$TOKEN"`
		fmt.Printf("calls need a JWT; this run's demo token (signed with a key made at start-up), for your shell:\n  export TOKEN=%s\n", token)
	}
	fmt.Printf(`
try, from /work/main in another terminal:
  %[1]s -addr %[2]s%[4]s -n 6     # every call balanced on its own, in turn
  %[1]s -addr %[2]s%[4]s -fail 9  # an error status with its details crosses the proxy
  curl -X POST 'http://%[3]s/health?backend=backend-2&serving=false'  # its health check fails; watch the targets
  %[1]s -addr %[3]s%[4]s          # gRPC over stage 04's HTTP/2 reverse proxy (h2c), on the REST port
  curl http://%[3]s/stats         # REST on the same port: flow counts and the proxy's connections
Ctrl-C stops everything gracefully.
`, client, o.addr, o.httpAddr, auth)
}
