package health

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"gatewaylab/06-discovery/internal/broadcast"
)

// Checker probes a changing set of targets and keeps their health. Create it with New,
// give it targets with SetTargets (before or during Run) and run it with Run. All
// methods are safe for concurrent use.
type Checker struct {
	cfg Config
	sem chan struct{} // bounds the probes in flight
	hub *broadcast.Hub[States]

	mu      sync.Mutex
	targets map[string]*target
	run     *runState // non-nil while Run is active
}

// runState is what one Run call owns: the context every probe loop derives from, and
// the wait group Run waits on before it returns.
type runState struct {
	ctx context.Context
	wg  sync.WaitGroup
}

// target is one probed address. status is guarded by Checker.mu; cancel stops the
// target's probe loop (nil while no Run is active).
type target struct {
	addr   string
	cancel context.CancelFunc
	status Status
}

// New validates cfg and returns a Checker with no targets.
func New(cfg Config) (*Checker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	return &Checker{
		cfg:     cfg,
		sem:     make(chan struct{}, cfg.Concurrency),
		hub:     broadcast.New(States{}, maps.Equal[States], States.clone),
		targets: make(map[string]*target),
	}, nil
}

// SetTargets replaces the target list. Targets that stay keep their state, counters
// and probe schedule; new ones start in Config.Initial and, while Run is active, are
// probed at once; removed ones stop being probed (a probe in flight is cancelled and its
// result dropped). Empty and duplicate addresses are ignored.
func (c *Checker) SetTargets(addrs []string) {
	want := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		if a != "" {
			want[a] = true
		}
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for addr, t := range c.targets {
		if !want[addr] {
			t.stop()
			delete(c.targets, addr)
		}
	}
	for addr := range want {
		if _, ok := c.targets[addr]; !ok {
			t := c.newTarget(addr, now)
			c.targets[addr] = t
			c.startLocked(t)
		}
	}
	c.publishLocked()
}

func (c *Checker) newTarget(addr string, now time.Time) *target {
	st := Pending
	if c.cfg.Initial == InitialHealthy {
		st = Healthy
	}
	return &target{addr: addr, status: Status{Addr: addr, State: st, Since: now}}
}

// Run probes every target until ctx ends, then stops all probes and returns nil once
// every probe goroutine has exited. Only one Run may be active at a time (ErrRunning);
// after it returns, Run may be called again and the targets keep their state.
func (c *Checker) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.run != nil {
		c.mu.Unlock()
		return ErrRunning
	}
	r := &runState{ctx: ctx}
	c.run = r
	for _, t := range c.targets {
		c.startLocked(t)
	}
	c.mu.Unlock()

	<-ctx.Done()
	c.mu.Lock()
	c.run = nil // no loop is started from now on, so Wait cannot race with an Add
	c.mu.Unlock()
	r.wg.Wait()
	return nil
}

// startLocked starts t's probe loop if Run is active.
func (c *Checker) startLocked(t *target) {
	if c.run == nil {
		return
	}
	ctx, cancel := context.WithCancel(c.run.ctx)
	t.cancel = cancel
	c.run.wg.Go(func() { c.loop(ctx, t) })
}

func (t *target) stop() {
	if t.cancel != nil {
		t.cancel()
	}
}

// Subscribe returns a channel that receives the state of every target now and then
// after every change (a state transition, or a target added or removed); a reader that
// falls behind gets only the latest. The channel is closed when ctx ends.
func (c *Checker) Subscribe(ctx context.Context) <-chan States { return c.hub.Subscribe(ctx) }

// States returns the current state of every target.
func (c *Checker) States() States { return c.hub.Current() }

// Statuses returns every target's status, sorted by address, for an admin API.
func (c *Checker) Statuses() []Status {
	c.mu.Lock()
	out := make([]Status, 0, len(c.targets))
	for _, t := range c.targets {
		out = append(out, t.status)
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b Status) int { return cmp.Compare(a.Addr, b.Addr) })
	return out
}

func (c *Checker) publishLocked() {
	states := make(States, len(c.targets))
	for addr, t := range c.targets {
		states[addr] = t.status.State
	}
	c.hub.Publish(states)
}
