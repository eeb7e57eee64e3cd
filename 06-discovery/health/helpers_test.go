package health

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeProber is an in-memory target fleet: each address is up or down, and every probe
// is recorded with its (fake, inside synctest) time. Real sockets cannot live inside a
// synctest bubble, so the timing tests probe this; the real probers have their own tests.
type fakeProber struct {
	mu     sync.Mutex
	down   map[string]bool
	script map[string][]bool // per address, results to return in order before using down
	probes map[string][]time.Time
}

var errFakeDown = errors.New("fake target down")

func newFakeProber() *fakeProber {
	return &fakeProber{down: map[string]bool{}, script: map[string][]bool{}, probes: map[string][]time.Time{}}
}

func (f *fakeProber) Probe(_ context.Context, addr string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.probes[addr] = append(f.probes[addr], time.Now())
	if s := f.script[addr]; len(s) > 0 {
		f.script[addr] = s[1:]
		if !s[0] {
			return fmt.Errorf("%s: %w", addr, errFakeDown)
		}
		return nil
	}
	if f.down[addr] {
		return fmt.Errorf("%s: %w", addr, errFakeDown)
	}
	return nil
}

func (f *fakeProber) setDown(addr string, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down[addr] = down
}

func (f *fakeProber) count(addr string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.probes[addr])
}

func (f *fakeProber) times(addr string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.probes[addr]...)
}

// startChecker creates a Checker for cfg and runs it until the test ends. Call it inside
// a synctest bubble: Run's goroutines then belong to the bubble, and the bubble's end
// proves they all stopped.
func startChecker(t *testing.T, cfg Config, addrs ...string) *Checker {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.SetTargets(addrs)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
	synctest.Wait() // first probes done
	return c
}

// advance moves the bubble's clock by d and waits until every goroutine is blocked again.
func advance(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func stateOf(t *testing.T, c *Checker, addr string) State {
	t.Helper()
	st, ok := c.States()[addr]
	if !ok {
		t.Fatalf("no state for %s", addr)
	}
	return st
}

func statusOf(t *testing.T, c *Checker, addr string) Status {
	t.Helper()
	for _, s := range c.Statuses() {
		if s.Addr == addr {
			return s
		}
	}
	t.Fatalf("no status for %s", addr)
	return Status{}
}
