package balancer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// weighted builds targets named a, b, c, ... with the given weights.
func weighted(weights ...int) []Target {
	ts := make([]Target, len(weights))
	for i, w := range weights {
		ts[i] = Target{Addr: string(rune('a' + i)), Weight: w}
	}
	return ts
}

// numbered builds n targets "10.0.0.i:80" of weight 1.
func numbered(n int) []Target {
	ts := make([]Target, n)
	for i := range ts {
		ts[i] = Target{Addr: fmt.Sprintf("10.0.%d.%d:80", i/250, i%250+1), Weight: 1}
	}
	return ts
}

// newFilled builds the named policy and loads targets into it.
func newFilled(tb testing.TB, policy string, opts Options, targets []Target) Balancer {
	tb.Helper()
	b, err := New(policy, opts)
	if err != nil {
		tb.Fatalf("New(%q): %v", policy, err)
	}
	mustUpdate(tb, b, targets)
	return b
}

func mustUpdate(tb testing.TB, b Balancer, targets []Target) {
	tb.Helper()
	if err := b.Update(targets); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

// mustPick picks and fails the test on error; the caller owns the Done call.
func mustPick(tb testing.TB, b Balancer, key string) *Endpoint {
	tb.Helper()
	ep, err := b.Pick(key)
	if err != nil {
		tb.Fatalf("Pick(%q): %v", key, err)
	}
	return ep
}

// sequence picks n times, finishing each request at once, and returns the addresses
// joined by spaces.
func sequence(tb testing.TB, b Balancer, n int) string {
	tb.Helper()
	picks := make([]string, n)
	for i := range picks {
		ep := mustPick(tb, b, "")
		picks[i] = ep.Addr()
		ep.Done(Outcome{})
	}
	return strings.Join(picks, " ")
}

// counts picks n times with keys from key(i), finishing each at once, and counts
// the picks per address.
func counts(tb testing.TB, b Balancer, n int, key func(i int) string) map[string]int {
	tb.Helper()
	got := make(map[string]int)
	for i := range n {
		ep := mustPick(tb, b, key(i))
		got[ep.Addr()]++
		ep.Done(Outcome{})
	}
	return got
}

func noKey(int) string { return "" }

func userKey(i int) string { return fmt.Sprintf("user-%d", i) }

// assertShares checks that every address got its weight's share of total picks within
// tolerance (a fraction of the expected count).
func assertShares(tb testing.TB, got map[string]int, targets []Target, total int, tolerance float64) {
	tb.Helper()
	var sum int
	for _, t := range targets {
		sum += t.Weight
	}
	for _, t := range targets {
		want := float64(total) * float64(t.Weight) / float64(sum)
		if diff := float64(got[t.Addr]) - want; diff > tolerance*want || -diff > tolerance*want {
			tb.Errorf("%s: %d picks, want %.0f ±%.0f%% (all: %v)", t.Addr, got[t.Addr], want, tolerance*100, got)
		}
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// errContextCanceled returns a wrapped context.Canceled, as a proxy would report it.
func errContextCanceled() error {
	return fmt.Errorf("read response: %w", context.Canceled)
}
