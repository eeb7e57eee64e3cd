package main

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"gatewaylab/05-loadbalance/balancer"
)

// latencyOf gives target i a fixed response time: b fastest, c slowest, so the
// load-aware policies have something to react to.
func latencyOf(i int) time.Duration {
	return []time.Duration{20, 5, 50, 10, 30}[i%5] * time.Millisecond
}

// pending is a request the simulation has sent and not yet finished.
type pending struct {
	ep     *balancer.Endpoint
	doneAt time.Duration
	took   time.Duration
}

// simulate sends n requests, one per simulated millisecond, each finishing after its
// target's latency, and counts picks per target. Time is simulated: the run takes
// milliseconds, and peak_ewma reads the same simulated clock.
func simulate(policy string, targets []balancer.Target, n int) (map[string]int, error) {
	clock := &simClock{start: time.Unix(0, 0)}
	b, err := filled(policy, balancer.Options{Now: clock.Now}, targets)
	if err != nil {
		return nil, err
	}
	latency := make(map[string]time.Duration, len(targets))
	for i, t := range targets {
		latency[t.Addr] = latencyOf(i)
	}
	counts := make(map[string]int, len(targets))
	var inFlight []pending
	for i := range n {
		now := time.Duration(i) * time.Millisecond
		clock.Set(now)
		inFlight = finish(inFlight, now)
		ep, err := b.Pick("user-" + strconv.Itoa(i*7919%1000))
		if err != nil {
			return nil, fmt.Errorf("%s: pick %d: %w", policy, i, err)
		}
		counts[ep.Addr()]++
		took := latency[ep.Addr()]
		inFlight = append(inFlight, pending{ep: ep, doneAt: now + took, took: took})
	}
	finish(inFlight, time.Duration(1<<62))
	return counts, nil
}

// finish completes every request due by now and returns the rest.
func finish(inFlight []pending, now time.Duration) []pending {
	rest := inFlight[:0]
	for _, p := range inFlight {
		if p.doneAt <= now {
			p.ep.Done(balancer.Outcome{Latency: p.took, Status: 200})
			continue
		}
		rest = append(rest, p)
	}
	return rest
}

// simClock is the simulated clock handed to peak_ewma.
type simClock struct {
	mu    sync.Mutex
	start time.Time
	at    time.Duration
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(c.at)
}

func (c *simClock) Set(at time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = at
}
