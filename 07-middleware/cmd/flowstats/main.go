// Command flowstats demonstrates flow counting (流量统计): totals, QPS and today's count
// per service and per app, counted in-process with atomics and flushed to Redis every
// second (hourly and daily keys with a TTL), from where a dashboard reads the hourly
// series for today and yesterday.
//
//	redis-server --port 6379 --save '' &      # if you have none running
//	go run ./07-middleware/cmd/flowstats -redis 127.0.0.1:6379
//
// Without a reachable Redis it still counts locally and says so. It drives some load
// itself for a few seconds, prints the numbers, then serves until Ctrl-C.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
	_ "time/tzdata" // -tz works on machines without a zoneinfo database

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/internal/demo"
	"gatewaylab/07-middleware/quota"
	"gatewaylab/07-middleware/secret"
)

var (
	addr      = flag.String("addr", "127.0.0.1:8080", "gateway listen address")
	redisAddr = flag.String("redis", "127.0.0.1:6379", "Redis address for cluster-wide counts (empty: local only)")
	tz        = flag.String("tz", "Asia/Shanghai", "time zone that hours and days are cut in")
	loadFor   = flag.Duration("load", 4*time.Second, "how long the built-in load runs")
)

func main() {
	flag.Parse()
	demo.Main("flowstats", run)
}

// gw is the demo gateway's state.
type gw struct {
	stats  *flowcount.Stats
	loc    *time.Location
	reader *flowcount.Reader // nil without Redis
	keys   map[string]string // app id -> API key
}

func run(ctx context.Context) error {
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	cal := quota.Calendar{Location: loc}
	stats, err := flowcount.NewStats(flowcount.StatsConfig{Calendar: cal, Window: 2 * time.Second})
	if err != nil {
		return err
	}
	g := &gw{stats: stats, loc: loc, keys: map[string]string{"app_a": secret.Generate(), "app_b": secret.Generate()}}

	var wg sync.WaitGroup
	flushCtx, stopFlush := context.WithCancel(context.Background()) // outlives ctx: the final flush runs after Ctrl-C
	defer func() { stopFlush(); wg.Wait() }()
	if client := connect(ctx); client != nil {
		defer demo.Close("redis client", client)
		if err := g.startRedis(flushCtx, &wg, client, cal); err != nil {
			return err
		}
	}
	return g.serve(ctx)
}

// connect returns a Redis client, or nil (and says why) when Redis does not answer.
func connect(ctx context.Context) *redis.Client {
	if *redisAddr == "" {
		fmt.Println("no -redis: counting in this process only")
		return nil
	}
	client := redis.NewClient(&redis.Options{Addr: *redisAddr, ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1})
	pingCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		port := "6379"
		if _, p, err := net.SplitHostPort(*redisAddr); err == nil && p != "" {
			port = p // suggest a server where -redis looks for one
		}
		fmt.Printf("Redis at %s does not answer (%v): counting in this process only.\n"+
			"Start one with: redis-server --port %s --save ''\n", *redisAddr, err, port)
		demo.Close("redis client", client)
		return nil
	}
	fmt.Printf("Redis at %s: flushing counts every second\n", *redisAddr)
	return client
}

func (g *gw) startRedis(ctx context.Context, wg *sync.WaitGroup, client *redis.Client, cal quota.Calendar) error {
	rc := flowcount.RedisConfig{Client: client, Prefix: "gatewaylab:demo:flow:", Calendar: cal}
	f, err := flowcount.NewFlusher(flowcount.FlusherConfig{RedisConfig: rc, Stats: g.stats})
	if err != nil {
		return err
	}
	if g.reader, err = flowcount.NewReader(rc); err != nil {
		return err
	}
	wg.Go(func() { f.Run(ctx) })
	return nil
}

func (g *gw) serve(ctx context.Context) error {
	upstream, err := demo.Start(ctx, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream: %s\n", r.URL.Path)
	}))
	if err != nil {
		return err
	}
	defer upstream.Stop()
	h, err := g.handler(upstream.URL)
	if err != nil {
		return err
	}
	return demo.Gateway(ctx, *addr, upstream.URL, h,
		func(base string) error { return g.tour(ctx, base) }, g.tryNext)
}

func (g *gw) handler(upstreamURL string) (http.Handler, error) {
	proxy, err := demo.Proxy(upstreamURL)
	if err != nil {
		return nil, err
	}
	var keys []apikey.Key
	for app, k := range g.keys {
		keys = append(keys, apikey.Key{Name: app + "-key", App: app, Hash: secret.Hash(k)})
	}
	mux := http.NewServeMux()
	for _, svc := range []string{"orders", "users"} {
		h, err := chain.New(
			chain.Use(flowcount.New, flowcount.Config{Stats: g.stats, Names: []flowcount.NameFunc{flowcount.Constant("total"), flowcount.Service(svc)}}),
			chain.Use(apikey.New, apikey.Config{Keys: keys}),
			chain.Use(flowcount.New, flowcount.Config{Stats: g.stats, Names: []flowcount.NameFunc{flowcount.App()}}),
		).Then(proxy)
		if err != nil {
			return nil, err
		}
		mux.Handle("/"+svc+"/", h)
	}
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, g.stats.Snapshot()) })
	mux.HandleFunc("GET /stats/hourly", g.hourly)
	return mux, nil
}

func (g *gw) hourly(w http.ResponseWriter, r *http.Request) {
	if g.reader == nil {
		http.Error(w, "no Redis: start the demo with -redis", http.StatusServiceUnavailable)
		return
	}
	name := r.URL.Query().Get("name")
	today, yesterday, err := g.reader.TodayAndYesterday(r.Context(), name)
	if err != nil {
		http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, map[string]any{"name": name, "today": today, "yesterday": yesterday})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v) // a client that hung up cannot be told anything
}
