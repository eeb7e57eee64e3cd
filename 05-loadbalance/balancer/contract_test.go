package balancer

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The tests in this file hold every policy to the contract in the package doc.

// allPolicies lists every policy New offers plus the teaching-only BlockyWeighted.
func allPolicies(tb testing.TB) map[string]func() Balancer {
	tb.Helper()
	m := make(map[string]func() Balancer)
	for _, name := range Policies() {
		m[name] = func() Balancer {
			b, err := New(name, Options{})
			if err != nil {
				tb.Fatalf("New(%q): %v", name, err)
			}
			return b
		}
	}
	m["blocky"] = func() Balancer { return NewBlockyWeighted(Options{}) }
	return m
}

func TestEmptySetGivesErrNoTarget(t *testing.T) {
	for name, newBalancer := range allPolicies(t) {
		t.Run(name, func(t *testing.T) {
			b := newBalancer()
			if _, err := b.Pick("k"); !errors.Is(err, ErrNoTarget) {
				t.Fatalf("Pick before any Update: err = %v, want ErrNoTarget", err)
			}
			mustUpdate(t, b, weighted(1, 1))
			mustUpdate(t, b, nil)
			if ep, err := b.Pick("k"); !errors.Is(err, ErrNoTarget) || ep != nil {
				t.Fatalf("Pick after Update(nil) = %v, %v; want nil, ErrNoTarget", ep, err)
			}
		})
	}
}

func TestUpdateRejectsInvalidTargetsByName(t *testing.T) {
	tests := []struct {
		name    string
		targets []Target
		want    string // must appear in the error
	}{
		{"empty address", []Target{{"a", 1}, {"", 1}}, "target 1: empty address"},
		{"zero weight", []Target{{"a", 1}, {"b", 0}}, "target 1 (b): weight 0"},
		{"negative weight", []Target{{"x:1", -3}}, "target 0 (x:1): weight -3"},
		{"weight too large", []Target{{"big", MaxWeight + 1}}, "target 0 (big): weight 1000001"},
		{"duplicate", []Target{{"a", 1}, {"b", 1}, {"a", 2}}, "target 2 (a): duplicate address, also target 0"},
	}
	for name, newBalancer := range allPolicies(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				b := newBalancer()
				mustUpdate(t, b, []Target{{"old", 1}})
				err := b.Update(tt.targets)
				if !errors.Is(err, ErrInvalidTarget) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Update error = %v, want ErrInvalidTarget mentioning %q", err, tt.want)
				}
				ep := mustPick(t, b, "k")
				defer ep.Done(Outcome{})
				if ep.Addr() != "old" {
					t.Fatalf("after a rejected Update, Pick = %s, want the old set's target", ep.Addr())
				}
			})
		}
	}
}

func TestPickDoesNotAllocate(t *testing.T) {
	for name, newBalancer := range allPolicies(t) {
		for _, key := range []string{"", "user-42"} {
			t.Run(name+"/key="+key, func(t *testing.T) {
				b := newBalancer()
				mustUpdate(t, b, append(weighted(3, 1, 2), numbered(7)...))
				allocs := testing.AllocsPerRun(1000, func() {
					ep, err := b.Pick(key)
					if err != nil {
						t.Fatal(err)
					}
					ep.Done(Outcome{Status: 200})
				})
				if allocs != 0 {
					t.Fatalf("Pick+Done allocated %.1f times per run, want 0", allocs)
				}
			})
		}
	}
}

func TestEndpointSurvivesUpdate(t *testing.T) {
	for name, newBalancer := range allPolicies(t) {
		t.Run(name, func(t *testing.T) {
			b := newBalancer()
			mustUpdate(t, b, []Target{{"stay", 1}})
			held := mustPick(t, b, "k") // in flight across the update
			mustUpdate(t, b, []Target{{"stay", 5}, {"new", 1}})
			mustUpdate(t, b, []Target{{"stay", 1}})
			ep := mustPick(t, b, "k")
			if ep != held {
				t.Fatalf("after Update, Pick returned a different *Endpoint for %s", ep.Addr())
			}
			if got := ep.InFlight(); got != 2 {
				t.Fatalf("InFlight = %d, want 2 (one held across the updates, one new)", got)
			}
			held.Done(Outcome{})
			ep.Done(Outcome{})
			if got := ep.InFlight(); got != 0 {
				t.Fatalf("InFlight after both Done = %d, want 0", got)
			}
		})
	}
}

func TestObserverSeesEveryOutcome(t *testing.T) {
	for _, name := range Policies() {
		t.Run(name, func(t *testing.T) {
			var seen []string
			var mu sync.Mutex
			obs := OutcomeObserverFunc(func(ep *Endpoint, o Outcome) {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, ep.Addr()+":"+o.Err.Error())
			})
			b := newFilled(t, name, Options{Observer: obs}, weighted(1))
			for _, msg := range []string{"refused", "reset"} {
				mustPick(t, b, "k").Done(Outcome{Err: errors.New(msg)})
			}
			if got := strings.Join(seen, " "); got != "a:refused a:reset" {
				t.Fatalf("observer saw %q, want %q", got, "a:refused a:reset")
			}
		})
	}
}

func TestOutcomeFailed(t *testing.T) {
	tests := []struct {
		name string
		o    Outcome
		want bool
	}{
		{"ok", Outcome{Status: 200}, false},
		{"client error", Outcome{Status: 404}, false},
		{"server error", Outcome{Status: 503}, true},
		{"transport error", Outcome{Err: errors.New("connection refused")}, true},
		{"client went away", Outcome{Err: errContextCanceled()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Failed(); got != tt.want {
				t.Fatalf("Failed() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestConcurrentPicksWhileUpdating runs picks from many goroutines while the set
// flips between two overlapping sets. Every pick must succeed, must be a member of one
// of the two sets, and every in-flight count must return to zero.
func TestConcurrentPicksWhileUpdating(t *testing.T) {
	setA := []Target{{"a", 1}, {"b", 2}, {"c", 3}}
	setB := []Target{{"b", 1}, {"c", 1}, {"d", 4}}
	members := map[string]bool{"a": true, "b": true, "c": true, "d": true}
	for name, newBalancer := range allPolicies(t) {
		t.Run(name, func(t *testing.T) {
			b := newBalancer()
			mustUpdate(t, b, setA)
			var (
				stop    atomic.Bool
				wg      sync.WaitGroup
				seenMu  sync.Mutex
				seenEps = make(map[*Endpoint]bool)
			)
			for g := range 8 {
				wg.Go(func() {
					local := pickUntil(t, b, &stop, g, members)
					seenMu.Lock()
					defer seenMu.Unlock()
					for ep := range local {
						seenEps[ep] = true
					}
				})
			}
			for i := range 200 {
				mustUpdate(t, b, [][]Target{setA, setB}[i%2])
			}
			stop.Store(true)
			wg.Wait()
			for ep := range seenEps {
				if n := ep.InFlight(); n != 0 {
					t.Errorf("%s: %d requests still in flight after every Done", ep.Addr(), n)
				}
			}
		})
	}
}

// pickUntil picks and finishes requests until stop is set, reporting impossible picks,
// and returns the endpoints it saw.
func pickUntil(t *testing.T, b Balancer, stop *atomic.Bool, g int, members map[string]bool) map[*Endpoint]bool {
	seen := make(map[*Endpoint]bool)
	for i := 0; !stop.Load() || i < 100; i++ {
		ep, err := b.Pick(userKey(g*1_000_000 + i))
		if err != nil {
			t.Errorf("Pick during Update: %v", err)
			return seen
		}
		if !members[ep.Addr()] {
			t.Errorf("Pick returned %q, a member of neither set", ep.Addr())
		}
		seen[ep] = true
		ep.Done(Outcome{Status: 200})
	}
	return seen
}
