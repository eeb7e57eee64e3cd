package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

// step is one phase of the script: traffic runs for length, and a quarter of the way
// in, the action happens, so its effects unfold under load.
type step struct {
	title  string
	action func(ctx context.Context) error
	length time.Duration
}

// requestInterval paces the demo's traffic: 50 requests a second.
const requestInterval = 20 * time.Millisecond

// play runs the script against the proxy at proxyURL.
func play(ctx context.Context, o options, p *printer, gw *gateway, f *fleet, proxyURL string) error {
	if err := gw.waitRouted(ctx, 3, 10*time.Second); err != nil {
		return err
	}
	client := &http.Client{Timeout: 3 * time.Second}
	known := addrsOf(f)
	for i, s := range script(o, p, f) {
		p.say("\n== %d. %s", i+1, s.title)
		t, err := runStep(ctx, s, client, proxyURL+"/")
		if ctx.Err() != nil {
			return nil // Ctrl-C: stop quietly
		}
		if err != nil {
			return err
		}
		p.say("  traffic over %v:", s.length)
		t.print(p, known)
	}
	p.say("\n%s", tryNext(o.addr, proxyURL))
	return nil
}

// runStep drives traffic for the step's length and runs its action meanwhile. The
// action gets ctx, not a context of the step: a backend it starts lives on.
func runStep(ctx context.Context, s step, client *http.Client, url string) (tally, error) {
	stepCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	actionErr := make(chan error, 1)
	go func() {
		timer := time.NewTimer(s.length / 4)
		defer timer.Stop()
		select {
		case <-timer.C:
			if s.action != nil {
				actionErr <- s.action(ctx)
				return
			}
		case <-stepCtx.Done():
		}
		actionErr <- nil
	}()
	t := drive(ctx, client, url, s.length, requestInterval)
	cancel()
	return t, <-actionErr
}

// script is the story; every step's effect is visible in the events and the split.
func script(o options, p *printer, f *fleet) []step {
	crashWait := max(o.phase, o.ttl+2*time.Second) // long enough to see the lease expire
	return []step{
		{title: "steady state: three registered, healthy backends", length: o.phase},
		{
			title: "backend 2 crashes (kill -9: no deregistration; its lease has to expire)",
			action: func(context.Context) error {
				return f.get(2).crash()
			},
			length: crashWait,
		},
		{
			title: "backend 2 restarts on the same port and registers again",
			action: func(ctx context.Context) error {
				b, err := startBackend(ctx, 2, f.get(2).addr, f.endpoints, o.ttl)
				if err != nil {
					return err
				}
				f.set(b)
				return nil
			},
			length: o.phase,
		},
		{
			title: "backend 3 starts answering 500 on / (its /healthz still passes: only real traffic can tell)",
			action: func(context.Context) error {
				f.get(3).failing.Store(true)
				return nil
			},
			length: o.phase + 2*time.Second,
		},
		{
			title: "backend 3 recovers (it gets traffic again once its ejection ends, and keeps it)",
			action: func(context.Context) error {
				f.get(3).failing.Store(false)
				return nil
			},
			length: o.phase,
		},
		{
			title: "backend 1 stops gracefully (deregisters first, drains, then stops: no request fails)",
			action: func(context.Context) error {
				b := f.get(1)
				f.remove(1)
				p.event("backend 1 is stopping")
				err := b.stop()
				p.event("backend 1 stopped")
				return err
			},
			length: o.phase,
		},
	}
}

func addrsOf(f *fleet) []string {
	var addrs []string
	for n := 1; n <= 3; n++ {
		addrs = append(addrs, f.get(n).addr)
	}
	return slices.Clone(addrs)
}

// holdAddr is the address tryNext suggests for -hold when this run's port was picked
// at random: that port dies with the run, so the hint names a fixed one instead.
const holdAddr = "127.0.0.1:18080"

// tryNext suggests the next commands. The -hold command and the curl URLs must name
// the same address: listenAddr is what -addr asked for, proxyURL what it got.
func tryNext(listenAddr, proxyURL string) string {
	holdURL := proxyURL
	if _, port, err := net.SplitHostPort(listenAddr); err != nil || port == "" || port == "0" {
		listenAddr, holdURL = holdAddr, "http://"+holdAddr
	}
	return fmt.Sprintf(`Try next:
  go run ./06-discovery/cmd/discovery -hold -addr %[1]s
    keeps everything up after the script; then, from another terminal:
      curl -s %[2]s/
      curl -s %[2]s/_discovery
    (the second is the admin view: the observer's snapshot, every target's probe and ejection state)
  go run ./06-discovery/cmd/discovery -ttl 10s  a crashed backend lingers in the registry for longer
  go run ./06-discovery/cmd/discovery -policy peak_ewma
  06-discovery/README.md explains rise/fall, the panic threshold, and leases vs ZooKeeper's ephemeral nodes
`, listenAddr, holdURL)
}
