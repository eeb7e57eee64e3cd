package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"gatewaylab/07-middleware/internal/demo"
)

// tour drives load for -load, printing the local numbers each second, then reads the
// cluster-wide hourly count back from Redis.
func (g *gw) tour(ctx context.Context, base string) error {
	demo.Step(1, "load for %v: app_a -> /orders/ at ~40 req/s, app_b -> /users/ at ~10 req/s", *loadFor)
	loadCtx, cancel := context.WithTimeout(ctx, *loadFor)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { g.drive(loadCtx, base+"/orders/x", "app_a", 40) })
	wg.Go(func() { g.drive(loadCtx, base+"/users/x", "app_b", 10) })
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-loadCtx.Done():
			done = true
		case <-tick.C:
			g.printTable()
		}
	}
	wg.Wait()
	if g.reader == nil {
		return nil
	}
	demo.Step(2, "after a flush, the same counts in Redis (hourly keys, this hour)")
	time.Sleep(1500 * time.Millisecond) // let the 1 s flusher run
	hour := time.Now().In(g.loc).Hour()
	for _, name := range []string{"total", "service:orders", "service:users", "app:app_a", "app:app_b"} {
		today, _, err := g.reader.TodayAndYesterday(ctx, name)
		if err != nil {
			return err
		}
		fmt.Printf("   %-15s hour %02d: %d\n", name, hour, today[hour])
	}
	return nil
}

// drive sends rps requests per second with app's key until ctx ends.
func (g *gw) drive(ctx context.Context, url, app string, rps int) {
	tick := time.NewTicker(time.Second / time.Duration(rps))
	defer tick.Stop()
	h := http.Header{"X-Api-Key": {g.keys[app]}}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := demo.Do(ctx, http.MethodGet, url, h, ""); err != nil && ctx.Err() == nil {
				fmt.Println("   request failed:", err)
			}
		}
	}
}

func (g *gw) printTable() {
	fmt.Printf("   %-15s %6s %6s %6s\n", "counter", "total", "today", "qps")
	for _, s := range g.stats.Snapshot() {
		fmt.Printf("   %-15s %6d %6d %6.1f\n", s.Name, s.Total, s.Today, s.QPS)
	}
}

func (g *gw) tryNext(base string) {
	host, port, err := net.SplitHostPort(*redisAddr)
	if err != nil {
		host, port = "127.0.0.1", "6379"
	}
	fmt.Printf(`
Serving until Ctrl-C. Try:
  for i in $(seq 50); do curl -s -o /dev/null -H 'X-API-Key: %[2]s' %[1]s/orders/x; done
  curl -s %[1]s/stats
  curl -s '%[1]s/stats/hourly?name=service:orders'
  redis-cli -h %[3]s -p %[4]s --scan --pattern 'gatewaylab:demo:flow:*'
(on Ctrl-C the flusher sends what is left to Redis)
`, base, g.keys["app_a"], host, port)
}
