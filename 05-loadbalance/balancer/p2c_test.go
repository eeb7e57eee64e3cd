package balancer

import (
	"errors"
	"testing"
	"time"
)

// holdPicks picks n times without finishing and returns the in-flight count per address.
func holdPicks(tb testing.TB, b Balancer, n int) (map[string]int64, []*Endpoint) {
	tb.Helper()
	held := make([]*Endpoint, n)
	for i := range held {
		held[i] = mustPick(tb, b, "")
	}
	in := make(map[string]int64)
	for _, ep := range held {
		in[ep.Addr()] = ep.InFlight()
	}
	tb.Cleanup(func() {
		for _, ep := range held {
			ep.Done(Outcome{})
		}
	})
	return in, held
}

func TestLeastConnSettlesInFlightByWeight(t *testing.T) {
	tests := []struct {
		name    string
		targets []Target
		picks   int
		want    map[string]int64
	}{
		{"equal weights", weighted(1, 1), 10, map[string]int64{"a": 5, "b": 5}},
		{"weights 3:1", weighted(3, 1), 40, map[string]int64{"a": 30, "b": 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFilled(t, PolicyLeastConn, Options{}, tt.targets)
			in, _ := holdPicks(t, b, tt.picks)
			for addr, want := range tt.want {
				if got := in[addr]; got < want-1 || got > want+1 {
					t.Errorf("%s: %d in flight, want %d±1 (all: %v)", addr, got, want, in)
				}
			}
		})
	}
}

// TestLeastConnBeatsRandom holds 1000 requests over 10 targets (average 100). Two
// choices keep the busiest target within a few requests of the average (over 3000
// runs it was never more than 2 above); one random choice typically overshoots by 20.
func TestLeastConnBeatsRandom(t *testing.T) {
	busiest := func(policy string) int64 {
		in, _ := holdPicks(t, newFilled(t, policy, Options{}, numbered(10)), 1000)
		var hi int64
		for _, n := range in {
			hi = max(hi, n)
		}
		return hi
	}
	p2c, random := busiest(PolicyLeastConn), busiest(PolicyRandom)
	if p2c > 100+4 {
		t.Errorf("least_conn: busiest target holds %d in flight, want at most 104 (average 100)", p2c)
	}
	t.Logf("busiest of 10 targets over 1000 held requests: least_conn %d, random %d", p2c, random)
}

func TestLeastConnIdleSharesByWeight(t *testing.T) {
	targets := weighted(3, 1, 1)
	b := newFilled(t, PolicyLeastConn, Options{}, targets)
	assertShares(t, counts(t, b, 50_000, noKey), targets, 50_000, 0.05)
}

func TestRandomSharesByWeight(t *testing.T) {
	targets := weighted(5, 3, 2)
	b := newFilled(t, PolicyRandom, Options{}, targets)
	assertShares(t, counts(t, b, 50_000, noKey), targets, 50_000, 0.05)
}

// ewmaRig is a PeakEWMA balancer on a fake clock whose targets answer with fixed
// latencies; every request takes one simulated millisecond of wall time.
type ewmaRig struct {
	tb      testing.TB
	b       *PeakEWMA
	clock   *fakeClock
	latency map[string]time.Duration
	failing map[string]bool
}

func newEWMARig(tb testing.TB, latency map[string]time.Duration) *ewmaRig {
	tb.Helper()
	clock := newFakeClock()
	b, err := NewPeakEWMA(Options{Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	var targets []Target
	for _, addr := range []string{"a", "b", "c"} {
		if _, ok := latency[addr]; ok {
			targets = append(targets, Target{addr, 1})
		}
	}
	mustUpdate(tb, b, targets)
	return &ewmaRig{tb: tb, b: b, clock: clock, latency: latency, failing: map[string]bool{}}
}

// serve sends n sequential requests and counts them per target.
func (r *ewmaRig) serve(n int) map[string]int {
	got := make(map[string]int)
	for range n {
		ep := mustPick(r.tb, r.b, "")
		r.clock.Advance(time.Millisecond)
		o := Outcome{Latency: r.latency[ep.Addr()], Status: 200}
		if r.failing[ep.Addr()] {
			o = Outcome{Latency: r.latency[ep.Addr()], Err: errors.New("connection refused")}
		}
		ep.Done(o)
		got[ep.Addr()]++
	}
	return got
}

func TestPeakEWMAPrefersFaster(t *testing.T) {
	r := newEWMARig(t, map[string]time.Duration{"a": 5 * time.Millisecond, "b": 50 * time.Millisecond, "c": 20 * time.Millisecond})
	got := r.serve(1000)
	// Two choices out of three: the pair {b, c} is drawn a third of the time and c
	// wins it, so a gets about two thirds and the slowest target almost nothing.
	if got["b"] > 10 || got["a"] < 550 || got["a"] < got["c"] {
		t.Fatalf("picks per target = %v; want most on a (5ms), fewer on c (20ms), at most 10 on b (50ms)", got)
	}
}

func TestPeakEWMAReactsToAPeakAtOnce(t *testing.T) {
	r := newEWMARig(t, map[string]time.Duration{"a": 5 * time.Millisecond, "b": 20 * time.Millisecond})
	r.serve(100)
	r.latency["a"] = 500 * time.Millisecond
	r.serve(1) // a, still the favourite, answers slowly once
	if got := r.serve(10); got["a"] != 0 {
		t.Fatalf("after one 500ms response, the slowed target still got %d of the next 10 requests", got["a"])
	}
}

func TestPeakEWMARecoversAfterDecay(t *testing.T) {
	r := newEWMARig(t, map[string]time.Duration{"a": 5 * time.Millisecond, "b": 50 * time.Millisecond})
	r.serve(100)
	r.clock.Advance(time.Minute) // six decay times: every average is close to zero
	r.latency["a"] = 80 * time.Millisecond
	r.serve(1)
	if got := r.serve(10); got["b"] == 0 {
		t.Fatal("the once-slow target got no traffic back after its average decayed")
	}
}

func TestPeakEWMAFailingFastDoesNotLookFast(t *testing.T) {
	r := newEWMARig(t, map[string]time.Duration{"a": time.Millisecond, "b": 20 * time.Millisecond})
	r.failing["a"] = true
	r.serve(10)
	if got := r.serve(100); got["a"] > 5 {
		t.Fatalf("a target failing in 1ms got %d of 100 requests, want at most 5 (all: %v)", got["a"], got)
	}
}

func TestPeakEWMAProbesNewTargetOneAtATime(t *testing.T) {
	r := newEWMARig(t, map[string]time.Duration{"a": 10 * time.Millisecond})
	r.serve(5)
	mustUpdate(t, r.b, []Target{{"a", 1}, {"new", 1}})
	first := mustPick(t, r.b, "")
	defer first.Done(Outcome{Latency: time.Millisecond})
	if first.Addr() != "new" {
		t.Fatalf("first pick after adding a target = %s, want the unmeasured target", first.Addr())
	}
	second := mustPick(t, r.b, "")
	defer second.Done(Outcome{Latency: time.Millisecond})
	if second.Addr() != "a" {
		t.Fatalf("second pick = %s, want a: the new target already has its probe in flight", second.Addr())
	}
}

func TestPeakEWMAOptionsValidated(t *testing.T) {
	for _, opts := range []Options{{Decay: -time.Second}, {FailurePenalty: -1}} {
		if _, err := NewPeakEWMA(opts); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("NewPeakEWMA(%+v): err = %v, want ErrInvalidOptions", opts, err)
		}
	}
}
