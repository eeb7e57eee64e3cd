// Package memory is an in-process registry.Registry: the default of a gateway that runs
// alone, the static target list of its config file (Set), and a fake for tests of code
// that takes a Registry. Instances registered with Register live exactly as long as the
// Register call, so the TTL has nothing to do: a process cannot die without taking its
// in-process registry with it.
package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gatewaylab/06-discovery/internal/broadcast"
	"gatewaylab/06-discovery/registry"
)

// Registry is an in-memory registry. The zero value is ready to use.
type Registry struct {
	mu       sync.Mutex
	services map[string]*service
}

var _ registry.Registry = (*Registry)(nil)

type service struct {
	entries map[string]*entry // by address
	hub     *broadcast.Hub[[]registry.Instance]
}

// entry is one stored instance. Its pointer identifies the registration that owns it,
// so that the end of an older registration does not remove a newer one.
type entry struct {
	inst   registry.Instance
	static bool // set by Set, replaced by the next Set
}

// Register adds inst until ctx ends, then removes it and returns nil. ttl must be
// positive but is otherwise unused (see the package documentation).
func (r *Registry) Register(ctx context.Context, name string, inst registry.Instance, ttl time.Duration) error {
	inst, err := registry.CheckRegistration(name, inst, ttl)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	e := &entry{inst: inst}
	r.mu.Lock()
	s := r.serviceLocked(name)
	s.entries[inst.Addr] = e
	s.publish()
	r.mu.Unlock()

	<-ctx.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.entries[inst.Addr] == e {
		delete(s.entries, inst.Addr)
		s.publish()
	}
	return nil
}

// Set replaces the static instances of a service (those from a configuration file)
// with insts, atomically: watchers see one new set. Instances added by Register are
// kept; for an address in both, the later write wins.
func (r *Registry) Set(name string, insts []registry.Instance) error {
	if err := registry.CheckService(name); err != nil {
		return fmt.Errorf("set: %w", err)
	}
	checked := make([]registry.Instance, len(insts))
	for i, in := range insts {
		n, err := registry.Normalize(in)
		if err != nil {
			return fmt.Errorf("set %s: instance %d: %w", name, i, err)
		}
		checked[i] = n
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.serviceLocked(name)
	for addr, e := range s.entries {
		if e.static {
			delete(s.entries, addr)
		}
	}
	for _, in := range registry.Clone(checked) {
		s.entries[in.Addr] = &entry{inst: in, static: true}
	}
	s.publish()
	return nil
}

// List returns the service's instances, sorted by address.
func (r *Registry) List(_ context.Context, name string) ([]registry.Instance, error) {
	if err := registry.CheckService(name); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serviceLocked(name).hub.Current(), nil
}

// Watch returns the service's instance sets until ctx ends.
func (r *Registry) Watch(ctx context.Context, name string) (<-chan []registry.Instance, error) {
	if err := registry.CheckService(name); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serviceLocked(name).hub.Subscribe(ctx), nil
}

func (r *Registry) serviceLocked(name string) *service {
	if r.services == nil {
		r.services = make(map[string]*service)
	}
	s, ok := r.services[name]
	if !ok {
		s = &service{
			entries: make(map[string]*entry),
			hub:     broadcast.New([]registry.Instance{}, registry.Equal, registry.Clone),
		}
		r.services[name] = s
	}
	return s
}

// publish sends the current set to the watchers; the caller holds Registry.mu.
func (s *service) publish() {
	insts := make([]registry.Instance, 0, len(s.entries))
	for _, e := range s.entries {
		insts = append(insts, e.inst)
	}
	s.hub.Publish(registry.Sorted(insts))
}
