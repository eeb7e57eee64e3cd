package discovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/outlier"
	"gatewaylab/06-discovery/registry"
)

// Config wires an Observer. Source and Balancer are required.
type Config struct {
	Source   Source
	Balancer balancer.Balancer
	// Checker, if set, filters out targets that fail active probes. Run runs it: do not
	// run it yourself.
	Checker *health.Checker
	// Outlier, if set, filters out targets ejected by passive checks; it must also be
	// the balancer's Options.Observer to see any outcome. Run runs it.
	Outlier *outlier.Detector
	// PanicThreshold is the share of usable targets, in percent, below which all
	// checked targets are routed; 0 means DefaultPanicThreshold, negative disables it
	// (then too few usable targets means exactly those, and none means 503s).
	PanicThreshold int
	// OnUpdate, if set, is called after each balancer update, from Run's goroutine.
	OnUpdate func(Snapshot)
	// Logger receives dropped instances and failed updates; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultPanicThreshold is Envoy's default: below half usable, route to all.
const DefaultPanicThreshold = 50

// ErrSourceClosed is returned by Run when the source's channel closed while Run's
// context was still alive.
var ErrSourceClosed = errors.New("discovery source closed")

// Snapshot is what the observer last decided, for an admin API. Its slices are shared
// between readers and must not be modified.
type Snapshot struct {
	// Version counts balancer updates, starting at 1.
	Version uint64 `json:"version"`
	// Instances is the source's latest set.
	Instances []registry.Instance `json:"instances"`
	// Routed is the set the balancer has (its instances, metadata included).
	Routed []registry.Instance `json:"routed"`
	// Panic is true while the panic threshold routes to unhealthy targets.
	Panic bool      `json:"panic"`
	At    time.Time `json:"at"`
}

// Observer feeds a balancer. Create it with New and start it with Run.
type Observer struct {
	cfg      Config
	snapshot atomic.Pointer[Snapshot]
}

// New checks cfg and returns an Observer.
func New(cfg Config) (*Observer, error) {
	if cfg.Source == nil || cfg.Balancer == nil {
		return nil, errors.New("discovery: a source and a balancer are required")
	}
	if cfg.PanicThreshold > 100 {
		return nil, fmt.Errorf("discovery: panic threshold %d%% is above 100%%", cfg.PanicThreshold)
	}
	if cfg.PanicThreshold == 0 {
		cfg.PanicThreshold = DefaultPanicThreshold
	}
	cfg.PanicThreshold = max(cfg.PanicThreshold, 0)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	o := &Observer{cfg: cfg}
	o.snapshot.Store(&Snapshot{})
	return o, nil
}

// Snapshot returns the latest decision (zero Version before the first).
func (o *Observer) Snapshot() Snapshot { return *o.snapshot.Load() }

// Run watches the source, runs the checker and the detector, and updates the balancer
// until ctx ends; it returns nil after every goroutine it started has stopped. It
// returns an error if the source cannot be watched or closes early.
func (o *Observer) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	insts, err := o.cfg.Source.Watch(ctx)
	if err != nil {
		return fmt.Errorf("discovery: watch source: %w", err)
	}
	var wg sync.WaitGroup
	var states <-chan health.States
	var ejected <-chan []string
	if c := o.cfg.Checker; c != nil {
		states = c.Subscribe(ctx)
		wg.Go(func() { o.logIf(c.Run(ctx), "health checker") })
	}
	if d := o.cfg.Outlier; d != nil {
		ejected = d.Subscribe(ctx)
		wg.Go(func() { o.logIf(d.Run(ctx), "outlier detector") })
	}
	err = o.loop(ctx, insts, states, ejected)
	cancel()
	wg.Wait()
	return err
}

func (o *Observer) logIf(err error, what string) {
	if err != nil {
		o.cfg.Logger.Error("discovery: "+what+" stopped", "err", err)
	}
}

// view is everything the routing decision depends on.
type view struct {
	insts   []registry.Instance
	states  health.States
	ejected []string
	sourced bool // the source has delivered its first set
}

// loop is the observer proper: one goroutine, so balancer updates are serialised.
func (o *Observer) loop(ctx context.Context, insts <-chan []registry.Instance, states <-chan health.States, ejected <-chan []string) error {
	var v view
	for {
		select {
		case <-ctx.Done():
			return nil
		case set, ok := <-insts:
			if !ok {
				return o.closed(ctx)
			}
			o.setInstances(&v, set)
		case s, ok := <-states:
			if !ok {
				return nil // closed only when ctx ends
			}
			v.states = s
		case e, ok := <-ejected:
			if !ok {
				return nil
			}
			v.ejected = e
		}
		if v.sourced { // before the source speaks, "no instances" would be a guess
			o.decide(v)
		}
	}
}

func (o *Observer) closed(ctx context.Context) error {
	if ctx.Err() != nil {
		return nil
	}
	return ErrSourceClosed
}

// setInstances takes a new set from the source, passes the addresses on to the
// checkers and reads their state for it at once, so that the decision below does not
// run on states that predate the new targets.
func (o *Observer) setInstances(v *view, set []registry.Instance) {
	v.insts, v.sourced = o.clean(set), true
	addrs := registry.Addrs(v.insts)
	if c := o.cfg.Checker; c != nil {
		c.SetTargets(addrs)
		v.states = c.States()
	}
	if d := o.cfg.Outlier; d != nil {
		d.SetTargets(addrs)
		v.ejected = d.Ejected()
	}
}

// clean drops instances the balancer would reject, with a log line: a source is
// outside the gateway's control, and one bad entry must not block the others.
func (o *Observer) clean(set []registry.Instance) []registry.Instance {
	ok := make([]registry.Instance, 0, len(set))
	for _, in := range set {
		n, err := registry.Normalize(in)
		if err != nil {
			o.cfg.Logger.Warn("discovery: dropping an invalid instance", "addr", in.Addr, "err", err)
			continue
		}
		ok = append(ok, n)
	}
	return registry.Sorted(ok)
}

// decide computes the routed set and updates the balancer if it changed.
func (o *Observer) decide(v view) {
	var states health.States
	if o.cfg.Checker != nil {
		states = v.states
		if states == nil {
			states = health.States{}
		}
	}
	d := route(v.insts, states, v.ejected, o.cfg.PanicThreshold)
	prev := o.snapshot.Load()
	if prev.Version > 0 && registry.Equal(prev.Routed, d.routed) && prev.Panic == d.panic {
		next := *prev
		next.Instances = v.insts
		o.snapshot.Store(&next)
		return
	}
	if err := o.cfg.Balancer.Update(d.targets()); err != nil {
		o.cfg.Logger.Error("discovery: balancer rejected the target set; keeping the previous one", "err", err)
		return
	}
	snap := &Snapshot{Version: prev.Version + 1, Instances: v.insts, Routed: d.routed, Panic: d.panic, At: time.Now()}
	o.snapshot.Store(snap)
	if o.cfg.OnUpdate != nil {
		o.cfg.OnUpdate(*snap)
	}
}
