package health

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestDownAfterFallUpAfterRise(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		var changes []Change
		var mu sync.Mutex
		cfg := Config{
			Prober: fp, Interval: time.Second, UnhealthyInterval: 3 * time.Second, Jitter: -1,
			Rise: 2, Fall: 3, Initial: InitialHealthy,
			OnChange: func(ch Change) { mu.Lock(); changes = append(changes, ch); mu.Unlock() },
		}
		c := startChecker(t, cfg, "a")

		fp.setDown("a", true)
		for i := 1; i < cfg.Fall; i++ {
			advance(time.Second)
			if got := stateOf(t, c, "a"); got != Healthy {
				t.Fatalf("after %d failed probes: %v, want healthy (fall is %d)", i, got, cfg.Fall)
			}
		}
		advance(time.Second)
		if got := stateOf(t, c, "a"); got != Unhealthy {
			t.Fatalf("after %d failed probes: %v, want unhealthy", cfg.Fall, got)
		}
		st := statusOf(t, c, "a")
		if st.LastError == "" || st.LastFailure.IsZero() || st.ConsecutiveFailures != cfg.Fall {
			t.Errorf("status = %+v, want last error set and %d failures", st, cfg.Fall)
		}

		fp.setDown("a", false)
		advance(3 * time.Second) // unhealthy interval
		if got := stateOf(t, c, "a"); got != Unhealthy {
			t.Fatalf("after 1 good probe: %v, want still unhealthy (rise is 2)", got)
		}
		advance(3 * time.Second)
		if got := stateOf(t, c, "a"); got != Healthy {
			t.Fatalf("after 2 good probes: %v, want healthy", got)
		}

		mu.Lock()
		defer mu.Unlock()
		want := []struct{ from, to State }{{Healthy, Unhealthy}, {Unhealthy, Healthy}}
		if len(changes) != len(want) {
			t.Fatalf("OnChange called %d times (%+v), want %d", len(changes), changes, len(want))
		}
		for i, w := range want {
			if changes[i].From != w.from || changes[i].To != w.to || changes[i].Addr != "a" {
				t.Errorf("change %d = %+v, want %v -> %v", i, changes[i], w.from, w.to)
			}
		}
		if !errors.Is(changes[0].Err, errFakeDown) || changes[1].Err != nil {
			t.Errorf("change errors = %v, %v; want the probe error, then nil", changes[0].Err, changes[1].Err)
		}
	})
}

func TestProbeSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		start := time.Now()
		cfg := Config{Prober: fp, Interval: time.Second, UnhealthyInterval: 5 * time.Second, Jitter: -1, Fall: 1, Rise: 1}
		startChecker(t, cfg, "a")
		advance(2 * time.Second) // probes at 0, 1, 2
		fp.setDown("a", true)
		advance(11 * time.Second) // fails at 3, then probes every 5 s: 8, 13
		var got []time.Duration
		for _, at := range fp.times("a") {
			got = append(got, at.Sub(start))
		}
		want := []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second, 8 * time.Second, 13 * time.Second}
		if !slices.Equal(got, want) {
			t.Fatalf("probe times = %v, want %v", got, want)
		}
	})
}

func TestJitterStaysInRange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		cfg := Config{Prober: fp, Interval: time.Second, Jitter: 200 * time.Millisecond}
		startChecker(t, cfg, "a")
		advance(30 * time.Second)
		times := fp.times("a")
		distinct := map[time.Duration]bool{}
		for i := 1; i < len(times); i++ {
			gap := times[i].Sub(times[i-1])
			if gap < time.Second || gap >= 1200*time.Millisecond {
				t.Errorf("gap %d = %v, want in [1s, 1.2s)", i, gap)
			}
			distinct[gap] = true
		}
		if len(distinct) < 2 {
			t.Errorf("all %d gaps are equal: no jitter", len(times)-1)
		}
	})
}

func TestFlappingIsDamped(t *testing.T) {
	tests := []struct {
		name        string
		rise, fall  int
		wantChanges int
	}{
		{"rise 2 fall 2 holds the state", 2, 2, 0},
		{"rise 1 fall 1 flaps with every probe", 1, 1, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fp := newFakeProber()
				alternating := make([]bool, 21) // pass, fail, pass, fail, ...
				for i := range alternating {
					alternating[i] = i%2 == 0
				}
				fp.script["a"] = alternating
				var changes atomic.Int32
				cfg := Config{Prober: fp, Interval: time.Second, Jitter: -1, Rise: tt.rise, Fall: tt.fall,
					OnChange: func(Change) { changes.Add(1) }}
				c := startChecker(t, cfg, "a") // pending -> healthy on the first pass
				changes.Store(0)
				advance(20 * time.Second)
				if got := changes.Load(); int(got) != tt.wantChanges {
					t.Errorf("%d state changes over 20 alternating probes, want %d", got, tt.wantChanges)
				}
				if tt.wantChanges == 0 && stateOf(t, c, "a") != Healthy {
					t.Errorf("state = %v, want healthy held", stateOf(t, c, "a"))
				}
			})
		})
	}
}

func TestInitialState(t *testing.T) {
	tests := []struct {
		name       string
		initial    Initial
		down       bool
		before     State
		afterFirst State
	}{
		{"pending then healthy on the first pass", InitialPending, false, Pending, Healthy},
		{"pending then unhealthy on the first failure", InitialPending, true, Pending, Unhealthy},
		{"healthy stays healthy until fall", InitialHealthy, true, Healthy, Healthy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fp := newFakeProber()
				fp.setDown("a", tt.down)
				c, err := New(Config{Prober: fp, Initial: tt.initial})
				if err != nil {
					t.Fatal(err)
				}
				c.SetTargets([]string{"a"})
				if got := stateOf(t, c, "a"); got != tt.before {
					t.Fatalf("before Run: %v, want %v", got, tt.before)
				}
				ctx, cancel := context.WithCancel(t.Context())
				go c.Run(ctx)
				synctest.Wait()
				if got := stateOf(t, c, "a"); got != tt.afterFirst {
					t.Errorf("after the first probe: %v, want %v", got, tt.afterFirst)
				}
				cancel()
			})
		})
	}
}

func TestSetTargetsKeepsStateOfTargetsThatStay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		fp.setDown("a", true)
		cfg := Config{Prober: fp, Interval: time.Second, Jitter: -1, Fall: 2, Rise: 2}
		c := startChecker(t, cfg, "a", "c")
		advance(time.Second)
		before := statusOf(t, c, "a")

		c.SetTargets([]string{"a", "b"})
		synctest.Wait()
		after := statusOf(t, c, "a")
		if after.State != Unhealthy || after.ConsecutiveFailures != before.ConsecutiveFailures || after.Since != before.Since {
			t.Fatalf("a after SetTargets = %+v, want unchanged %+v", after, before)
		}
		if got := stateOf(t, c, "b"); got != Healthy {
			t.Errorf("new target b = %v, want healthy after its immediate first probe", got)
		}
		if _, ok := c.States()["c"]; ok {
			t.Error("removed target c still has a state")
		}
		probesOfC := fp.count("c")
		advance(5 * time.Second)
		if got := fp.count("c"); got != probesOfC {
			t.Errorf("removed target c probed %d more times", got-probesOfC)
		}
		if got := statusOf(t, c, "a").ConsecutiveFailures; got != before.ConsecutiveFailures+5 {
			t.Errorf("a's failure count = %d, want %d: its schedule should have continued", got, before.ConsecutiveFailures+5)
		}
	})
}

func TestConcurrencyIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var inFlight, peak atomic.Int32
		slow := ProberFunc(func(ctx context.Context, addr string) error {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(100 * time.Millisecond)
			return nil
		})
		addrs := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
		c := startChecker(t, Config{Prober: slow, Concurrency: 3, Interval: time.Second, Jitter: -1}, addrs...)
		advance(time.Second)
		if got := peak.Load(); got != 3 {
			t.Errorf("peak probes in flight = %d, want 3", got)
		}
		if got := len(c.States().Healthy()); got != len(addrs) {
			t.Errorf("%d healthy, want all %d probed", got, len(addrs))
		}
	})
}

func TestProbeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hang := ProberFunc(func(ctx context.Context, addr string) error {
			<-ctx.Done()
			return ctx.Err()
		})
		start := time.Now()
		c := startChecker(t, Config{Prober: hang, Timeout: 500 * time.Millisecond, Interval: time.Second}, "a")
		if got := stateOf(t, c, "a"); got != Pending {
			t.Fatalf("while the probe hangs: %v, want pending", got)
		}
		advance(500 * time.Millisecond)
		st := statusOf(t, c, "a")
		if st.State != Unhealthy || st.LastError != context.DeadlineExceeded.Error() {
			t.Fatalf("status = %+v, want unhealthy by deadline", st)
		}
		if d := st.LastProbe.Sub(start); d != 500*time.Millisecond {
			t.Errorf("probe ended after %v, want the 500ms timeout", d)
		}
	})
}

func TestSubscribeSendsOnlyChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		c := startChecker(t, Config{Prober: fp, Interval: time.Second, Jitter: -1, Fall: 1}, "a", "b")
		ch := c.Subscribe(t.Context())
		if got := (<-ch).Healthy(); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("first value healthy = %v, want [a b]", got)
		}
		advance(5 * time.Second) // five rounds of passes: nothing changes
		select {
		case v := <-ch:
			t.Fatalf("got %v without a change", v)
		default:
		}
		fp.setDown("b", true)
		advance(time.Second)
		got := <-ch
		if !slices.Equal(got.Healthy(), []string{"a"}) || !slices.Equal(got.With(Unhealthy), []string{"b"}) {
			t.Fatalf("after b failed: %v, want a healthy and b unhealthy", got)
		}
	})
}

func TestRunTwiceIsAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := startChecker(t, Config{Prober: newFakeProber()}, "a")
		if err := c.Run(t.Context()); !errors.Is(err, ErrRunning) {
			t.Fatalf("second Run = %v, want ErrRunning", err)
		}
	})
}

func TestRunAgainAfterStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fp := newFakeProber()
		fp.setDown("a", true)
		c, err := New(Config{Prober: fp, Interval: time.Second, Jitter: -1})
		if err != nil {
			t.Fatal(err)
		}
		c.SetTargets([]string{"a"})
		for range 2 {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error)
			go func() { done <- c.Run(ctx) }()
			advance(time.Second)
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run = %v", err)
			}
		}
		if got := statusOf(t, c, "a").ConsecutiveFailures; got != 4 {
			t.Errorf("failures over two runs = %d, want 4 (state kept between runs)", got)
		}
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no prober", Config{}},
		{"negative interval", Config{Prober: TCP(), Interval: -time.Second}},
		{"negative fall", Config{Prober: TCP(), Fall: -1}},
		{"unknown initial state", Config{Prober: TCP(), Initial: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("New = %v, want ErrInvalidConfig", err)
			}
		})
	}
}
