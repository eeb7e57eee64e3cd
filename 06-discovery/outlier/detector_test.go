package outlier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/05-loadbalance/balancer"
)

// fleet reports outcomes for named targets through real balancer endpoints, the way the
// proxy does: one single-target balancer per address, all observed by the detector.
type fleet struct {
	t   *testing.T
	lbs map[string]balancer.Balancer
}

func newFleet(t *testing.T, d *Detector, addrs ...string) *fleet {
	t.Helper()
	f := &fleet{t: t, lbs: map[string]balancer.Balancer{}}
	for _, a := range addrs {
		lb := balancer.NewRoundRobin(balancer.Options{Observer: d})
		if err := lb.Update([]balancer.Target{{Addr: a, Weight: 1}}); err != nil {
			t.Fatal(err)
		}
		f.lbs[a] = lb
	}
	d.SetTargets(addrs)
	return f
}

func (f *fleet) report(addr string, o balancer.Outcome, times int) {
	f.t.Helper()
	for range times {
		ep, err := f.lbs[addr].Pick("")
		if err != nil {
			f.t.Fatal(err)
		}
		ep.Done(o)
	}
}

var (
	fail5xx = balancer.Outcome{Status: 502}
	refused = balancer.Outcome{Err: syscall.ECONNREFUSED}
	ok      = balancer.Outcome{Status: 200}
	gone    = balancer.Outcome{Err: context.Canceled}
)

// runDetector runs d until the test ends (inside a synctest bubble).
func runDetector(t *testing.T, d *Detector) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}

func mustNew(t *testing.T, cfg Config) *Detector {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEjectAfterConsecutiveFailures(t *testing.T) {
	tests := []struct {
		name     string
		outcomes []balancer.Outcome
		wantOut  bool
	}{
		{"four failures stay in", []balancer.Outcome{fail5xx, fail5xx, refused, fail5xx}, false},
		{"five failures eject", []balancer.Outcome{fail5xx, fail5xx, refused, fail5xx, refused}, true},
		{"a success resets the count", []balancer.Outcome{fail5xx, fail5xx, fail5xx, fail5xx, ok, fail5xx}, false},
		{"a client that left neither counts nor resets", []balancer.Outcome{fail5xx, fail5xx, gone, fail5xx, gone, fail5xx, fail5xx}, true},
		{"4xx is the client's fault", []balancer.Outcome{{Status: 404}, {Status: 429}, {Status: 404}, {Status: 400}, {Status: 403}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustNew(t, Config{MaxEjectionPercent: 100})
			f := newFleet(t, d, "a", "b")
			for _, o := range tt.outcomes {
				f.report("a", o, 1)
			}
			if got := slices.Contains(d.Ejected(), "a"); got != tt.wantOut {
				t.Errorf("a ejected = %v, want %v (ejected: %v)", got, tt.wantOut, d.Ejected())
			}
		})
	}
}

func TestEjectionTimeGrowsAndIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := mustNew(t, Config{ConsecutiveFailures: 1, BaseEjectionTime: 10 * time.Second,
			MaxEjectionTime: 25 * time.Second, DecayInterval: time.Hour, MaxEjectionPercent: 100})
		f := newFleet(t, d, "a")
		runDetector(t, d)
		for i, want := range []time.Duration{10 * time.Second, 20 * time.Second, 25 * time.Second, 25 * time.Second} {
			start := time.Now()
			f.report("a", fail5xx, 1)
			st := d.Statuses()[0]
			if !st.Ejected || st.Ejections != i+1 {
				t.Fatalf("ejection %d: status %+v", i+1, st)
			}
			if got := st.EjectedUntil.Sub(start); got != want {
				t.Errorf("ejection %d lasts %v, want %v", i+1, got, want)
			}
			time.Sleep(want - time.Nanosecond)
			synctest.Wait()
			if len(d.Ejected()) != 1 {
				t.Fatalf("ejection %d ended before %v", i+1, want)
			}
			time.Sleep(time.Nanosecond)
			synctest.Wait()
			if len(d.Ejected()) != 0 {
				t.Fatalf("ejection %d still on after %v", i+1, want)
			}
		}
	})
}

func TestEjectionCountDecays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := mustNew(t, Config{ConsecutiveFailures: 1, BaseEjectionTime: 10 * time.Second,
			DecayInterval: time.Minute, MaxEjectionPercent: 100})
		f := newFleet(t, d, "a")
		runDetector(t, d)
		for range 3 { // ejected 3 times: 10 s, 20 s, 30 s
			f.report("a", fail5xx, 1)
			time.Sleep(d.Statuses()[0].EjectedUntil.Sub(time.Now()))
			synctest.Wait()
		}
		if got := d.Statuses()[0].Ejections; got != 3 {
			t.Fatalf("ejections = %d, want 3", got)
		}
		time.Sleep(2*time.Minute + time.Second) // two decay intervals in rotation
		if got := d.Statuses()[0].Ejections; got != 1 {
			t.Fatalf("ejections after 2 decay intervals = %d, want 1", got)
		}
		start := time.Now()
		f.report("a", fail5xx, 1)
		if got := d.Statuses()[0].EjectedUntil.Sub(start); got != 20*time.Second {
			t.Errorf("next ejection lasts %v, want 20s (second ejection after decay)", got)
		}
	})
}

func TestMaxEjectionPercent(t *testing.T) {
	tests := []struct {
		name    string
		targets int
		percent int
		want    int
	}{
		{"20% of 10", 10, 20, 2},
		{"10% of 3 still allows one", 3, 10, 1},
		{"50% of 3", 3, 50, 1},
		{"100% of 4", 4, 100, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustNew(t, Config{ConsecutiveFailures: 2, MaxEjectionPercent: tt.percent})
			var addrs []string
			for i := range tt.targets {
				addrs = append(addrs, fmt.Sprintf("10.0.0.%d:80", i+1))
			}
			f := newFleet(t, d, addrs...)
			for _, a := range addrs {
				f.report(a, fail5xx, 3)
			}
			if got := len(d.Ejected()); got != tt.want {
				t.Errorf("%d ejected, want %d", got, tt.want)
			}
		})
	}
}

func TestCappedTargetIsEjectedWhenRoomFrees(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := mustNew(t, Config{ConsecutiveFailures: 1, BaseEjectionTime: 10 * time.Second, MaxEjectionPercent: 50})
		f := newFleet(t, d, "a", "b", "c", "d")
		runDetector(t, d)
		f.report("a", fail5xx, 1)
		time.Sleep(time.Second)
		f.report("b", fail5xx, 1)
		f.report("c", fail5xx, 1) // cap of 2 reached: stays in
		if got := d.Ejected(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("ejected = %v, want [a b]", got)
		}
		time.Sleep(9 * time.Second) // a returns
		synctest.Wait()
		f.report("c", fail5xx, 1)
		if got := d.Ejected(); !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("ejected = %v, want [b c]", got)
		}
	})
}

func TestSubscribeAndEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var events []Event
		d := mustNew(t, Config{ConsecutiveFailures: 2, BaseEjectionTime: 5 * time.Second, MaxEjectionPercent: 100,
			OnChange: func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }})
		f := newFleet(t, d, "a", "b")
		runDetector(t, d)
		sets := d.Subscribe(t.Context())
		if got := <-sets; len(got) != 0 {
			t.Fatalf("first set = %v, want empty", got)
		}
		f.report("b", refused, 2)
		if got := <-sets; !slices.Equal(got, []string{"b"}) {
			t.Fatalf("after b failed = %v, want [b]", got)
		}
		time.Sleep(5 * time.Second)
		if got := <-sets; len(got) != 0 {
			t.Fatalf("after 5s = %v, want empty", got)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 2 || !events[0].Ejected || events[1].Ejected || events[0].Until != events[1].At {
			t.Errorf("events = %+v, want an ejection until T then a return at T", events)
		}
	})
}

func TestSetTargetsKeepsState(t *testing.T) {
	d := mustNew(t, Config{ConsecutiveFailures: 3, MaxEjectionPercent: 100})
	f := newFleet(t, d, "a", "b", "c")
	f.report("a", fail5xx, 3)
	f.report("b", fail5xx, 2)
	d.SetTargets([]string{"a", "b", "d"})
	f.report("b", fail5xx, 1) // third in a row: the count survived
	if got := d.Ejected(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("ejected = %v, want [a b]", got)
	}
	d.SetTargets([]string{"b"})
	if got := d.Ejected(); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after removing a: ejected = %v, want [b]", got)
	}
	f.report("c", fail5xx, 5) // not a target any more: ignored
	if got := len(d.Statuses()); got != 1 {
		t.Errorf("%d statuses, want 1", got)
	}
}

func TestConcurrentFailuresEjectOnce(t *testing.T) {
	var mu sync.Mutex
	ejections := 0
	d := mustNew(t, Config{ConsecutiveFailures: 3, MaxEjectionPercent: 100,
		OnChange: func(e Event) { mu.Lock(); ejections++; mu.Unlock() }})
	f := newFleet(t, d, "a", "b")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				ep, err := f.lbs["a"].Pick("")
				if err != nil {
					t.Error(err)
					return
				}
				ep.Done(fail5xx)
			}
		})
	}
	wg.Wait()
	if ejections != 1 {
		t.Errorf("%d ejection events, want 1", ejections)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{ConsecutiveFailures: -1},
		{MaxEjectionPercent: 101},
		{BaseEjectionTime: time.Minute, MaxEjectionTime: time.Second},
	} {
		if _, err := New(cfg); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(%+v) = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}
