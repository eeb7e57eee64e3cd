// Command limit demonstrates rate limiting (限流): a per-client-IP token bucket with 429,
// Retry-After and RateLimit headers; a concurrency (in-flight) limit; and, with -redis, one
// limit shared by every gateway instance through Redis.
//
//	go run ./07-middleware/cmd/limit
//	go run ./07-middleware/cmd/limit -redis 127.0.0.1:6379   # add the cluster-wide route
//
// It plays a short scripted tour, then serves until Ctrl-C with curl lines to try.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/concurrency"
	"gatewaylab/07-middleware/internal/demo"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/redislimit"
)

var (
	addr      = flag.String("addr", "127.0.0.1:8080", "gateway listen address")
	redisAddr = flag.String("redis", "", "Redis address for the cluster-wide limit (empty: skip it)")
)

func main() {
	flag.Parse()
	redis.SetLogger(dialErrorsReturned{})
	demo.Main("limit", run)
}

func run(ctx context.Context) error {
	upstream, err := demo.Start(ctx, "127.0.0.1:0", http.HandlerFunc(backend))
	if err != nil {
		return err
	}
	defer upstream.Stop()
	h, closeRedis, err := gateway(ctx, upstream.URL)
	if err != nil {
		return err
	}
	defer closeRedis()
	return demo.Gateway(ctx, *addr, upstream.URL, h, func(base string) error { return tour(ctx, base) }, tryNext)
}

// connectRedis returns the client for the cluster-wide limit and says up front whether
// Redis answers: when it does not, the limit fails open and lets every request through.
func connectRedis(ctx context.Context) *redis.Client {
	client := redis.NewClient(&redis.Options{Addr: *redisAddr, ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1})
	pingCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		port := "6379"
		if _, p, err := net.SplitHostPort(*redisAddr); err == nil && p != "" {
			port = p
		}
		fmt.Printf("Redis at %s does not answer (%v): the cluster limit fails open; start one with: redis-server --port %s --save ''\n",
			*redisAddr, err, port)
		return client
	}
	fmt.Printf("Redis at %s: /cluster/ keeps its bucket there\n", *redisAddr)
	return client
}

// backend is the upstream: /slow takes a second, everything else answers at once.
func backend(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/slow" {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
			return
		}
	}
	fmt.Fprintf(w, "hello from upstream (%s)\n", r.URL.Path)
}

// gateway builds the routes. Each route is its own chain, built once.
func gateway(ctx context.Context, upstreamURL string) (http.Handler, func(), error) {
	proxy, err := demo.Proxy(upstreamURL)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	routes := map[string]chain.Chain{
		// 2 requests/s per client IP, 5 at once after a pause.
		"/api/": chain.New(chain.Use(ratelimit.New, ratelimit.Config{
			Name: "api-per-ip", Policy: ratelimit.Policy{Rate: 2, Burst: 5}, Key: ratelimit.ByClientIP(),
		})),
		// At most 2 requests in flight to the slow endpoint.
		"/slow": chain.New(chain.Use(concurrency.New, concurrency.Config{Max: 2})),
	}
	closeRedis := func() {}
	if *redisAddr != "" {
		client := connectRedis(ctx)
		closeRedis = func() { demo.Close("redis client", client) }
		lim, err := redislimit.New(redislimit.Config{Client: client, FailMode: redislimit.FailOpen})
		if err != nil {
			return nil, nil, err
		}
		routes["/cluster/"] = chain.New(chain.Use(ratelimit.New, ratelimit.Config{
			Name: "cluster", Policy: ratelimit.Policy{Rate: 1, Burst: 3}, Limiter: lim,
			// While Redis is down every request would log the same warning: show it once
			// every 10 s, with the number of repeats left out.
			Logger: slog.New(newRepeatFilter(slog.Default().Handler(), 10*time.Second)),
		}))
	}
	for pattern, c := range routes {
		h, err := c.Then(proxy)
		if err != nil {
			return nil, nil, err
		}
		mux.Handle(pattern, h)
	}
	// No trusted proxies: X-Forwarded-For from clients is ignored.
	h, err := clientip.New(mux, clientip.Config{})
	return h, closeRedis, err
}

func tour(ctx context.Context, base string) error {
	demo.Step(1, "7 quick requests from one client to /api/ (2/s, burst 5)")
	for i := 1; i <= 7; i++ {
		if err := show(ctx, i, base+"/api/", nil); err != nil {
			return err
		}
	}
	demo.Step(2, "a spoofed X-Forwarded-For does not buy a fresh bucket (the peer is not a trusted proxy)")
	if err := show(ctx, 8, base+"/api/", http.Header{"X-Forwarded-For": {"203.0.113.77"}}); err != nil {
		return err
	}
	demo.Step(3, "wait the Retry-After second: one token has come back")
	time.Sleep(time.Second)
	if err := show(ctx, 9, base+"/api/", nil); err != nil {
		return err
	}
	demo.Step(4, "3 concurrent requests to /slow (max 2 in flight)")
	if err := concurrent(ctx, base+"/slow", 3); err != nil {
		return err
	}
	if *redisAddr != "" {
		demo.Step(5, "/cluster/ is limited in Redis (1/s, burst 3), shared by every instance using %s", *redisAddr)
		for i := 1; i <= 4; i++ {
			if err := show(ctx, i, base+"/cluster/", nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func show(ctx context.Context, i int, url string, h http.Header) error {
	r, err := demo.Do(ctx, http.MethodGet, url, h, "")
	if err != nil {
		return err
	}
	fmt.Printf("   #%d %d  RateLimit: %-22s Retry-After: %-2s %s\n", i, r.Status, r.Header.Get("RateLimit"), r.Header.Get("Retry-After"), r.Body)
	return nil
}

func concurrent(ctx context.Context, url string, n int) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r, err := demo.Do(ctx, http.MethodGet, url, nil, "")
			if err != nil {
				errs[i] = err
				return
			}
			fmt.Printf("   %d %s\n", r.Status, r.Body)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func tryNext(base string) {
	fmt.Printf(`
Serving until Ctrl-C. Try:
  curl -i %[1]s/api/
  for i in $(seq 8); do curl -s -o /dev/null -w '%%{http_code} ' %[1]s/api/; done; echo
  for i in 1 2 3; do curl -s -o /dev/null -w '%%{http_code}\n' %[1]s/slow & done; wait
`, base)
	if *redisAddr != "" {
		fmt.Printf(`  # a second instance sharing the Redis limit, then hit both:
  go run ./07-middleware/cmd/limit -addr 127.0.0.1:8081 -redis %s
  for i in $(seq 3); do curl -s -o /dev/null -w '%%{http_code} ' %s/cluster/; curl -s -o /dev/null -w '%%{http_code} ' http://127.0.0.1:8081/cluster/; done; echo
`, *redisAddr, base)
	} else {
		fmt.Println("  # restart with -redis 127.0.0.1:6379 for a limit shared across instances")
	}
}
