package discovery_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/outlier"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
)

func TestFollowsTheRegistry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := &memory.Registry{}
		lb := newRecorder(t, balancer.Options{})
		register(t, reg, "10.0.0.1:80", 1)
		deregisterB := register(t, reg, "10.0.0.2:80", 1)
		runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb})
		wantRouted(t, lb, "10.0.0.1:80", "10.0.0.2:80")

		deregisterB()
		wantRouted(t, lb, "10.0.0.1:80")
		register(t, reg, "10.0.0.3:80", 3)
		wantRouted(t, lb, "10.0.0.1:80", "10.0.0.3:80")
		if last := lb.last(); last[1].Weight != 3 {
			t.Errorf("weight of 10.0.0.3:80 = %d, want 3", last[1].Weight)
		}
		for range 10 {
			ep, err := lb.Pick("")
			if err != nil || ep.Addr() == "10.0.0.2:80" {
				t.Fatalf("Pick = %v, %v; want a registered target", ep, err)
			}
			ep.Done(balancer.Outcome{Status: 200})
		}
	})
}

func TestActiveHealthFiltersTargets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg, f := &memory.Registry{}, &fleet{}
		lb := newRecorder(t, balancer.Options{})
		for _, a := range []string{"a:1", "b:1", "c:1"} {
			register(t, reg, a, 1)
		}
		runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb, Checker: newChecker(t, f)})
		wantRouted(t, lb, "a:1", "b:1", "c:1")

		f.set("b:1", true)
		time.Sleep(time.Second) // one failed probe: fall is 2
		wantRouted(t, lb, "a:1", "b:1", "c:1")
		time.Sleep(time.Second)
		wantRouted(t, lb, "a:1", "c:1")

		register(t, reg, "d:1", 1) // a new target must not reset b's state
		wantRouted(t, lb, "a:1", "c:1", "d:1")

		f.set("b:1", false)
		time.Sleep(time.Second)
		wantRouted(t, lb, "a:1", "c:1", "d:1")
		time.Sleep(time.Second)
		wantRouted(t, lb, "a:1", "b:1", "c:1", "d:1")
	})
}

func TestPendingTargetsWaitForTheirFirstProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := &memory.Registry{}
		lb := newRecorder(t, balancer.Options{})
		slow := health.ProberFunc(func(ctx context.Context, addr string) error {
			time.Sleep(300 * time.Millisecond)
			return nil
		})
		checker, err := health.New(health.Config{Prober: slow})
		if err != nil {
			t.Fatal(err)
		}
		register(t, reg, "a:1", 1)
		runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb, Checker: checker})
		wantRouted(t, lb) // pending: not routed, and not a reason to panic
		time.Sleep(300 * time.Millisecond)
		wantRouted(t, lb, "a:1")
	})
}

func TestPassiveEjection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := &memory.Registry{}
		detector, err := outlier.New(outlier.Config{ConsecutiveFailures: 3, BaseEjectionTime: 10 * time.Second, MaxEjectionPercent: 50})
		if err != nil {
			t.Fatal(err)
		}
		lb := newRecorder(t, balancer.Options{Observer: detector})
		for _, a := range []string{"a:1", "b:1", "c:1"} {
			register(t, reg, a, 1)
		}
		runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb, Outlier: detector})
		wantRouted(t, lb, "a:1", "b:1", "c:1")

		for range 9 { // round robin: three requests each; b answers 503
			ep, err := lb.Pick("")
			if err != nil {
				t.Fatal(err)
			}
			status := 200
			if ep.Addr() == "b:1" {
				status = 503
			}
			ep.Done(balancer.Outcome{Status: status})
		}
		wantRouted(t, lb, "a:1", "c:1")
		time.Sleep(10 * time.Second)
		wantRouted(t, lb, "a:1", "b:1", "c:1")
	})
}

func TestPanicThreshold(t *testing.T) {
	tests := []struct {
		name      string
		threshold int
		down      []string
		want      []string
		wantPanic bool
	}{
		{"one of three down: normal", 0, []string{"c:1"}, []string{"a:1", "b:1"}, false},
		{"two of three down: panic routes to all", 0, []string{"b:1", "c:1"}, []string{"a:1", "b:1", "c:1"}, true},
		{"two of three down, panic disabled", -1, []string{"b:1", "c:1"}, []string{"a:1"}, false},
		{"all down, panic disabled: empty set", -1, []string{"a:1", "b:1", "c:1"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				reg, f := &memory.Registry{}, &fleet{}
				lb := newRecorder(t, balancer.Options{})
				for _, a := range []string{"a:1", "b:1", "c:1"} {
					register(t, reg, a, 1)
				}
				o := runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb,
					Checker: newChecker(t, f), PanicThreshold: tt.threshold})
				for _, a := range tt.down {
					f.set(a, true)
				}
				time.Sleep(2 * time.Second) // fall is 2
				wantRouted(t, lb, tt.want...)
				if got := o.Snapshot().Panic; got != tt.wantPanic {
					t.Errorf("Snapshot().Panic = %v, want %v", got, tt.wantPanic)
				}
				if tt.want == nil {
					if _, err := lb.Pick(""); !errors.Is(err, balancer.ErrNoTarget) {
						t.Errorf("Pick on the empty set = %v, want ErrNoTarget (a 503)", err)
					}
				}
			})
		})
	}
}

func TestUpdatesOnlyOnChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg, f := &memory.Registry{}, &fleet{}
		lb := newRecorder(t, balancer.Options{})
		register(t, reg, "a:1", 1)
		var snaps []discovery.Snapshot
		runObserver(t, discovery.Config{Source: discovery.FromRegistry(reg, "api"), Balancer: lb,
			Checker: newChecker(t, f), OnUpdate: func(s discovery.Snapshot) { snaps = append(snaps, s) }})
		time.Sleep(10 * time.Second) // ten rounds of passing probes
		synctest.Wait()
		if n := lb.count(); n != 2 { // pending (empty), then healthy
			t.Errorf("%d balancer updates over 10 quiet probe rounds, want 2", n)
		}
		if len(snaps) != 2 || snaps[1].Version != 2 || len(snaps[1].Routed) != 1 {
			t.Errorf("snapshots = %+v, want versions 1 and 2, the second routing a:1", snaps)
		}
	})
}

func TestDropsInvalidInstances(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lb := newRecorder(t, balancer.Options{})
		src := discovery.SourceFunc(func(ctx context.Context) (<-chan []registry.Instance, error) {
			ch := make(chan []registry.Instance, 1)
			ch <- []registry.Instance{{Addr: "b:1"}, {Addr: "no-port"}, {Addr: "a:1", Weight: -4}, {Addr: "b:1", Weight: 9}, {Addr: "c:1", Weight: 2}}
			context.AfterFunc(ctx, func() { close(ch) })
			return ch, nil
		})
		runObserver(t, discovery.Config{Source: src, Balancer: lb, Logger: slog.New(slog.DiscardHandler)})
		wantRouted(t, lb, "b:1", "c:1")
	})
}

func TestStaticSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src, err := discovery.Static(registry.Instance{Addr: "b:1"}, registry.Instance{Addr: "a:1", Weight: 2})
		if err != nil {
			t.Fatal(err)
		}
		lb := newRecorder(t, balancer.Options{})
		runObserver(t, discovery.Config{Source: src, Balancer: lb})
		wantRouted(t, lb, "a:1", "b:1")
	})
	if _, err := discovery.Static(registry.Instance{Addr: "nope"}); !errors.Is(err, registry.ErrInvalidInstance) {
		t.Errorf("Static with a bad address = %v, want ErrInvalidInstance", err)
	}
}

func TestRunEndsWhenTheSourceCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan []registry.Instance)
		src := discovery.SourceFunc(func(context.Context) (<-chan []registry.Instance, error) { return ch, nil })
		o, err := discovery.New(discovery.Config{Source: src, Balancer: newRecorder(t, balancer.Options{}), Checker: newChecker(t, &fleet{})})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- o.Run(t.Context()) }()
		ch <- []registry.Instance{{Addr: "a:1"}}
		close(ch)
		if err := <-done; !errors.Is(err, discovery.ErrSourceClosed) {
			t.Errorf("Run = %v, want ErrSourceClosed", err)
		}
	})
}

func TestRunReportsWatchFailure(t *testing.T) {
	boom := errors.New("etcd unreachable")
	src := discovery.SourceFunc(func(context.Context) (<-chan []registry.Instance, error) { return nil, boom })
	o, err := discovery.New(discovery.Config{Source: src, Balancer: balancer.NewRoundRobin(balancer.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Run(t.Context()); !errors.Is(err, boom) {
		t.Errorf("Run = %v, want the watch error", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	src, _ := discovery.Static()
	for name, cfg := range map[string]discovery.Config{
		"no source":      {Balancer: balancer.NewRoundRobin(balancer.Options{})},
		"no balancer":    {Source: src},
		"threshold >100": {Source: src, Balancer: balancer.NewRoundRobin(balancer.Options{}), PanicThreshold: 101},
	} {
		if _, err := discovery.New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}
