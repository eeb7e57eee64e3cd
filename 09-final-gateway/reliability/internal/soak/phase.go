package soak

import (
	"context"
	"fmt"
	"math"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
)

// phase runs the short-lived traffic for d, with a reload every ReloadEvery and a
// sample every window and at its end, then stops the traffic.
func (e *env) phase(ctx context.Context, r *Report, d time.Duration) error {
	workers := e.churn(ctx)
	defer workers.Stop()
	window := e.cfg.Duration / time.Duration(e.cfg.Windows)
	reload := time.NewTicker(e.cfg.ReloadEvery)
	defer reload.Stop()
	sample := time.NewTicker(window)
	defer sample.Stop()
	end := time.NewTimer(d)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-reload.C:
			if err := e.reload(r); err != nil {
				return err
			}
		case <-sample.C:
			if err := e.sample(ctx, r); err != nil {
				return err
			}
		case <-end.C:
			if n := len(r.Samples); n > 0 && time.Since(r.Start)-r.Samples[n-1].At < window/2 {
				return nil // the window's sample was just taken
			}
			return e.sample(ctx, r)
		}
	}
}

// reload writes the next configuration generation; one in five is invalid on purpose
// (it must be refused, and nothing must show on the traffic).
func (e *env) reload(r *Report) error {
	e.gen++
	e.gc.generation(e.gen)
	data, err := e.gc.render()
	if err != nil {
		return err
	}
	if e.gen%5 == 0 {
		data = append(data, "  - {name: broken, path_prefix: [\n"...)
		r.InvalidWrites++
	} else {
		r.ValidWrites++
	}
	_, err = proc.WriteConfig(e.cfg.Dir, data)
	return err
}

// sample reads the gateway's goroutines and memory and the traffic so far.
func (e *env) sample(ctx context.Context, r *Report) error {
	m, err := e.gw.Scrape(ctx)
	if err != nil {
		return err
	}
	t := &e.tallies
	s := Sample{At: time.Since(r.Start), Goroutines: m.Value("go_goroutines"), RSS: m.Value("process_resident_memory_bytes"),
		HTTP: t.HTTP.Get(ok), WS: t.WS.Get(ok), GRPC: t.GRPC.Get(ok), TCP: t.TCP.Get(ok), Errors: t.errors(),
		Reloads: max(0, m.Value("gateway_config_reloads_total", `result="ok"`))}
	r.Samples = append(r.Samples, s)
	fmt.Fprintf(e.cfg.Log, "soak: %6s  http %d  ws %d  grpc %d  tcp %d  errors %d  goroutines %.0f  rss %.1f MiB  reloads %.0f\n",
		s.At.Round(time.Second), s.HTTP, s.WS, s.GRPC, s.TCP, s.Errors, s.Goroutines, s.RSS/(1<<20), s.Reloads)
	return nil
}

// settle bounds the wait for a quiet gateway.
const settle = 15 * time.Second

// quiet waits, with only the long-lived sessions running, until the gateway's lowest
// goroutine count has held for two seconds (four readings half a second apart), and
// returns that reading: what the gateway keeps when the short-lived traffic is gone.
// The lowest, because the long-lived sessions have a request in flight now and then.
func (e *env) quiet(ctx context.Context) (Reading, error) {
	deadline := time.Now().Add(settle)
	low := Reading{Goroutines: math.Inf(1)}
	for held := 0; held < 4 && time.Now().Before(deadline); {
		m, err := e.gw.Scrape(ctx)
		if err != nil {
			return Reading{}, err
		}
		if g := m.Value("go_goroutines"); g < low.Goroutines {
			low, held = Reading{Goroutines: g, RSS: m.Value("process_resident_memory_bytes")}, 0
		} else {
			held++
		}
		select {
		case <-ctx.Done():
			return Reading{}, ctx.Err()
		case <-time.After(500 * time.Millisecond): // between two readings of another process
		}
	}
	fmt.Fprintf(e.cfg.Log, "soak: quiet: %.0f goroutines, rss %.1f MiB\n", low.Goroutines, low.RSS/(1<<20))
	return low, nil
}
