// Package registrytest is the contract every registry.Registry implementation must
// meet, as a test suite: registry/memory and registry/etcdreg both run it, and so
// should any other implementation.
package registrytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gatewaylab/06-discovery/registry"
)

// Timeout bounds every wait for a watcher to see a change. Watchers normally see one
// within milliseconds; the bound is generous for -race on a busy machine.
const Timeout = 5 * time.Second

// TTL is the lease every contract test registers with: short, so that a leaked
// registration would vanish during the suite, yet at etcd's minimum lease TTL.
const TTL = 2 * time.Second

// Run runs the contract against registries made by newRegistry; each subtest gets a
// fresh one (or a fresh namespace of a shared store).
func Run(t *testing.T, newRegistry func(t *testing.T) registry.Registry) {
	tests := []struct {
		name string
		fn   func(t *testing.T, r registry.Registry)
	}{
		{"WatchStartsWithCurrentSet", testWatchStartsWithCurrentSet},
		{"RegisterUntilContextEnds", testRegisterUntilContextEnds},
		{"CompleteSortedSets", testCompleteSortedSets},
		{"ReRegisterReplaces", testReRegisterReplaces},
		{"ServicesAreSeparate", testServicesAreSeparate},
		{"WatchClosesWithContext", testWatchClosesWithContext},
		{"RejectsInvalidInput", testRejectsInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newRegistry(t)) })
	}
}

// Registration is one Register call running in the background.
type Registration struct {
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// Start runs r.Register in a goroutine until Stop or the end of the test.
func Start(t testing.TB, r registry.Registry, service string, inst registry.Instance) *Registration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reg := &Registration{cancel: cancel, done: make(chan error, 1)}
	go func() { reg.done <- r.Register(ctx, service, inst, TTL) }()
	t.Cleanup(func() { reg.Stop(t) })
	return reg
}

// Stop ends the registration and fails the test if Register did not return nil.
// Calling it again does nothing.
func (reg *Registration) Stop(t testing.TB) {
	t.Helper()
	if err := reg.Result(t); err != nil {
		t.Errorf("Register returned %v", err)
	}
}

// Result ends the registration (if Register has not returned already) and returns
// what Register returned; on later calls, nil. It fails the test if Register does not
// return within Timeout.
func (reg *Registration) Result(t testing.TB) error {
	t.Helper()
	var err error
	reg.once.Do(func() {
		reg.cancel()
		select {
		case err = <-reg.done:
		case <-time.After(Timeout):
			t.Errorf("Register did not return within %v of its context ending", Timeout)
		}
	})
	return err
}

// Watch starts watching service until the test ends.
func Watch(t testing.TB, r registry.Registry, service string) <-chan []registry.Instance {
	t.Helper()
	ch, err := r.Watch(t.Context(), service)
	if err != nil {
		t.Fatalf("Watch(%s): %v", service, err)
	}
	return ch
}

// WaitFor reads sets from ch until one has exactly the addresses want (in order), and
// returns it; it fails the test after Timeout. Every set seen on the way must be sorted
// and free of duplicates.
func WaitFor(t testing.TB, ch <-chan []registry.Instance, want ...string) []registry.Instance {
	t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	var last []registry.Instance
	for {
		select {
		case set, ok := <-ch:
			if !ok {
				t.Fatalf("watch closed while waiting for %v; last set %v", want, registry.Addrs(last))
			}
			if err := CheckSet(set); err != nil {
				t.Fatal(err)
			}
			if last = set; slices.Equal(registry.Addrs(set), want) {
				return set
			}
		case <-deadline.C:
			t.Fatalf("after %v the set is %v, want %v", Timeout, registry.Addrs(last), want)
		}
	}
}

// CheckSet reports a set that is not sorted by address or has a duplicate address.
func CheckSet(set []registry.Instance) error {
	for i := 1; i < len(set); i++ {
		if set[i-1].Addr >= set[i].Addr {
			return fmt.Errorf("set %v: not sorted or duplicate %s", registry.Addrs(set), set[i].Addr)
		}
	}
	return nil
}

func testWatchStartsWithCurrentSet(t *testing.T, r registry.Registry) {
	empty := Watch(t, r, "api")
	WaitFor(t, empty)
	Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80"})
	WaitFor(t, Watch(t, r, "api"), "10.0.0.1:80")
}

func testRegisterUntilContextEnds(t *testing.T, r registry.Registry) {
	w := Watch(t, r, "api")
	reg := Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80", Weight: 3, Metadata: map[string]string{"zone": "a"}})
	got := WaitFor(t, w, "10.0.0.1:80")
	if got[0].Weight != 3 || got[0].Metadata["zone"] != "a" {
		t.Errorf("watched instance %+v, want weight 3 and zone a", got[0])
	}
	listed, err := r.List(t.Context(), "api")
	if err != nil || !registry.Equal(listed, got) {
		t.Errorf("List = %+v, %v; want %+v", listed, err, got)
	}
	reg.Stop(t)
	WaitFor(t, w)
}

func testCompleteSortedSets(t *testing.T, r registry.Registry) {
	w := Watch(t, r, "api")
	for _, a := range []string{"10.0.0.3:80", "10.0.0.1:80", "10.0.0.2:80"} {
		Start(t, r, "api", registry.Instance{Addr: a})
	}
	got := WaitFor(t, w, "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80")
	if got[0].Weight != registry.DefaultWeight {
		t.Errorf("weight = %d, want the default %d", got[0].Weight, registry.DefaultWeight)
	}
}

func testReRegisterReplaces(t *testing.T, r registry.Registry) {
	w := Watch(t, r, "api")
	old := Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80", Weight: 1})
	WaitFor(t, w, "10.0.0.1:80")
	Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80", Weight: 5})
	waitForWeight(t, w, 5)
	old.Stop(t) // the older registration ends: the newer one must stay
	Start(t, r, "api", registry.Instance{Addr: "10.0.0.2:80"})
	got := WaitFor(t, w, "10.0.0.1:80", "10.0.0.2:80")
	if got[0].Weight != 5 {
		t.Errorf("after the old registration ended: %+v, want weight 5", got[0])
	}
}

func waitForWeight(t *testing.T, w <-chan []registry.Instance, weight int) {
	t.Helper()
	for {
		set := WaitFor(t, w, "10.0.0.1:80")
		if set[0].Weight == weight {
			return
		}
	}
}

func testServicesAreSeparate(t *testing.T, r registry.Registry) {
	api, apiV2 := Watch(t, r, "api"), Watch(t, r, "api-v2")
	Start(t, r, "api-v2", registry.Instance{Addr: "10.0.0.9:80"})
	Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80"})
	WaitFor(t, apiV2, "10.0.0.9:80")
	WaitFor(t, api, "10.0.0.1:80")
}

func testWatchClosesWithContext(t *testing.T, r registry.Registry) {
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := r.Watch(ctx, "api")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.After(Timeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel still open after its context ended")
		}
	}
}

func testRejectsInvalidInput(t *testing.T, r registry.Registry) {
	ok := registry.Instance{Addr: "10.0.0.1:80"}
	tests := []struct {
		name    string
		service string
		inst    registry.Instance
		ttl     time.Duration
		want    error
	}{
		{"empty service", "", ok, TTL, registry.ErrInvalidService},
		{"slash in service", "a/b", ok, TTL, registry.ErrInvalidService},
		{"no port", "api", registry.Instance{Addr: "10.0.0.1"}, TTL, registry.ErrInvalidInstance},
		{"slash in address", "api", registry.Instance{Addr: "a/b:80"}, TTL, registry.ErrInvalidInstance},
		{"port 0", "api", registry.Instance{Addr: "10.0.0.1:0"}, TTL, registry.ErrInvalidInstance},
		{"negative weight", "api", registry.Instance{Addr: "10.0.0.1:80", Weight: -1}, TTL, registry.ErrInvalidInstance},
		{"zero ttl", "api", ok, 0, registry.ErrInvalidTTL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), Timeout)
			defer cancel()
			if err := r.Register(ctx, tt.service, tt.inst, tt.ttl); !errors.Is(err, tt.want) {
				t.Errorf("Register = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := r.Watch(t.Context(), "a b"); !errors.Is(err, registry.ErrInvalidService) {
		t.Errorf("Watch(\"a b\") = %v, want ErrInvalidService", err)
	}
	if _, err := r.List(t.Context(), ""); !errors.Is(err, registry.ErrInvalidService) {
		t.Errorf("List(\"\") = %v, want ErrInvalidService", err)
	}
}
