// Command breaker demonstrates circuit breaking (熔断) and degradation (降级): a route to
// an upstream that can be switched to failing, behind a hystrix-go circuit and a
// fallback that serves the last good response (or a static default).
//
//	go run ./07-middleware/cmd/breaker
//
// It plays a short scripted tour (healthy, failing, circuit open, half-open probe,
// closed again), then serves until Ctrl-C with curl lines to try.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/fallback"
	"gatewaylab/07-middleware/internal/demo"
)

var (
	addr  = flag.String("addr", "127.0.0.1:8080", "gateway listen address")
	sleep = flag.Duration("sleep", 2*time.Second, "how long the circuit stays open before a probe")
)

// failing switches the upstream between healthy and broken.
var failing atomic.Bool

func main() {
	flag.Parse()
	demo.Main("breaker", run)
}

func run(ctx context.Context) error {
	upstream, err := demo.Start(ctx, "127.0.0.1:0", http.HandlerFunc(backend))
	if err != nil {
		return err
	}
	defer upstream.Stop()
	h, circuit, err := gateway(upstream.URL)
	if err != nil {
		return err
	}
	return demo.Gateway(ctx, *addr, upstream.URL, h, func(base string) error { return tour(ctx, base, circuit) }, tryNext)
}

func backend(w http.ResponseWriter, r *http.Request) {
	if failing.Load() {
		http.Error(w, "upstream: database unreachable", http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, `{"items":["a","b","c"],"served_at":%q}`, time.Now().Format(time.TimeOnly))
}

func gateway(upstreamURL string) (http.Handler, *breaker.Circuit, error) {
	proxy, err := demo.Proxy(upstreamURL)
	if err != nil {
		return nil, nil, err
	}
	// 5 calls within 10 s of which half fail open the circuit.
	circuitCfg := breaker.CircuitConfig{
		Name:                   "demo-items",
		ErrorPercentThreshold:  50,
		RequestVolumeThreshold: 5,
		SleepWindow:            *sleep,
		Timeout:                time.Second,
		MaxConcurrentRequests:  20,
		OnStateChange: func(name string, from, to breaker.State) {
			fmt.Printf("   [circuit %s: %s -> %s]\n", name, from, to)
		},
	}
	circuit, err := breaker.NewCircuit(circuitCfg) // the same circuit breaker.New will use
	if err != nil {
		return nil, nil, err
	}
	api, err := chain.New(
		// Outer: degrade. Any 5xx from inside (the upstream's, or the breaker's own 503)
		// is replaced by the last good answer for the URL, or else the static default.
		chain.Use(fallback.New, fallback.Config{
			Cache:    fallback.NewCache(fallback.CacheConfig{MaxEntries: 100, MaxAge: time.Hour}),
			Fallback: fallback.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"items":[],"note":"default list"}`)},
		}),
		chain.Use(breaker.New, breaker.Config{CircuitConfig: circuitCfg}),
	).Then(proxy)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/items", api)
	mux.Handle("/items/", api)
	mux.HandleFunc("POST /upstream/fail", func(w http.ResponseWriter, _ *http.Request) {
		failing.Store(true)
		fmt.Fprintln(w, "upstream now failing")
	})
	mux.HandleFunc("POST /upstream/heal", func(w http.ResponseWriter, _ *http.Request) {
		failing.Store(false)
		fmt.Fprintln(w, "upstream healthy")
	})
	mux.HandleFunc("GET /circuit", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"name": circuit.Name(), "state": circuit.State().String()}) // a client that hung up cannot be told anything
	})
	return mux, circuit, nil
}

func tour(ctx context.Context, base string, circuit *breaker.Circuit) error {
	demo.Step(1, "healthy upstream: the real answer (the fallback cache keeps a copy)")
	if err := show(ctx, base+"/items"); err != nil {
		return err
	}
	demo.Step(2, "the upstream starts failing: 500s are replaced by the cached answer")
	if err := post(ctx, base+"/upstream/fail"); err != nil {
		return err
	}
	for range 5 {
		if err := show(ctx, base+"/items"); err != nil {
			return err
		}
		time.Sleep(20 * time.Millisecond) // hystrix updates its health numbers asynchronously
	}
	demo.Step(3, "5 calls in 10 s, at least half failed: the circuit is %s; calls no longer reach the upstream", circuit.State())
	if err := show(ctx, base+"/items"); err != nil {
		return err
	}
	if err := show(ctx, base+"/items/never-cached"); err != nil {
		return err
	}
	demo.Step(4, "the upstream heals; after the %v sleep window one probe is let through", *sleep)
	if err := post(ctx, base+"/upstream/heal"); err != nil {
		return err
	}
	for circuit.State() == breaker.Open {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := show(ctx, base+"/items"); err != nil {
		return err
	}
	fmt.Printf("   circuit is %s\n", circuit.State())
	return nil
}

func show(ctx context.Context, url string) error {
	r, err := demo.Do(ctx, http.MethodGet, url, nil, "")
	if err != nil {
		return err
	}
	fmt.Printf("   %d degraded=%-16s fallback=%-6s %s\n", r.Status,
		orDash(r.Header.Get("X-Gateway-Degraded")), orDash(r.Header.Get("X-Gateway-Fallback")), r.Body)
	return nil
}

func post(ctx context.Context, url string) error {
	r, err := demo.Do(ctx, http.MethodPost, url, nil, "")
	if err != nil {
		return err
	}
	fmt.Printf("   (%s)\n", r.Body)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func tryNext(base string) {
	fmt.Printf(`
Serving until Ctrl-C. Try:
  curl -i %[1]s/items
  curl -X POST %[1]s/upstream/fail
  for i in $(seq 6); do curl -s -o /dev/null -D - %[1]s/items | grep -i x-gateway; done
  curl %[1]s/circuit
  curl -X POST %[1]s/upstream/heal; sleep 2; curl -i %[1]s/items; curl %[1]s/circuit
`, base)
}
