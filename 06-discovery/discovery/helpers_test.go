package discovery_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
)

// recorder is a real round-robin balancer that also records every Update and fails the
// test on one the balancer rejects: the observer must never send an invalid set.
type recorder struct {
	balancer.Balancer
	t       *testing.T
	mu      sync.Mutex
	updates [][]balancer.Target
}

func newRecorder(t *testing.T, opts balancer.Options) *recorder {
	return &recorder{Balancer: balancer.NewRoundRobin(opts), t: t}
}

func (r *recorder) Update(ts []balancer.Target) error {
	if err := r.Balancer.Update(ts); err != nil {
		r.t.Errorf("observer sent an invalid set %v: %v", ts, err)
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, slices.Clone(ts))
	return nil
}

// last returns the latest update.
func (r *recorder) last() []balancer.Target {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.updates) == 0 {
		return nil
	}
	return r.updates[len(r.updates)-1]
}

// routed returns the addresses of the latest update.
func (r *recorder) routed() []string {
	var addrs []string
	for _, t := range r.last() {
		addrs = append(addrs, t.Addr)
	}
	return addrs
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.updates)
}

// fleet is a set of fake targets for the health checker: each is up or down.
type fleet struct {
	mu   sync.Mutex
	down map[string]bool
}

var errDown = errors.New("target down")

func (f *fleet) Probe(_ context.Context, addr string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down[addr] {
		return errDown
	}
	return nil
}

func (f *fleet) set(addr string, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down == nil {
		f.down = map[string]bool{}
	}
	f.down[addr] = down
}

// register keeps inst registered until the returned function is called (or the test
// ends).
func register(t *testing.T, reg *memory.Registry, addr string, weight int) (deregister func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- reg.Register(ctx, "api", registry.Instance{Addr: addr, Weight: weight}, time.Second) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Register(%s) = %v", addr, err)
		}
	}
}

func newChecker(t *testing.T, f *fleet) *health.Checker {
	t.Helper()
	c, err := health.New(health.Config{Prober: f, Interval: time.Second, Jitter: -1, Rise: 2, Fall: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runObserver runs an observer for cfg until the test ends; call it inside a synctest
// bubble, whose end then proves that Run stopped everything it started.
func runObserver(t *testing.T, cfg discovery.Config) *discovery.Observer {
	t.Helper()
	o, err := discovery.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
	synctest.Wait()
	return o
}

func wantRouted(t *testing.T, r *recorder, want ...string) {
	t.Helper()
	synctest.Wait()
	if got := r.routed(); !slices.Equal(got, want) {
		t.Fatalf("balancer has %v, want %v", got, want)
	}
}
