// Command discovery shows service discovery (服务发现) and active probing (主动探测) at
// work: it starts an etcd inside the process, three backends that register themselves
// in it, and a proxy whose balancer follows the registry, the health checks and the
// passive outlier ejection. A script then crashes a backend, restarts it, makes another
// one fail requests and stops a third gracefully, printing every event and the traffic
// split of each phase. It exits by itself after about 25 s (-hold keeps the proxy up).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// options are the demo's flags.
type options struct {
	addr   string
	policy string
	phase  time.Duration
	ttl    time.Duration
	hold   bool
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8080", "proxy listen address (127.0.0.1:0 picks a free port)")
	flag.StringVar(&o.policy, "policy", "round_robin", "balancing policy (05-loadbalance names)")
	flag.DurationVar(&o.phase, "phase", 4*time.Second, "how long traffic runs in each phase")
	flag.DurationVar(&o.ttl, "ttl", 3*time.Second, "lease TTL of the backends' registrations")
	flag.BoolVar(&o.hold, "hold", false, "keep the proxy and backends running after the script, until Ctrl-C")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o, newPrinter(os.Stdout))
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "discovery:", err)
		os.Exit(1)
	}
}
