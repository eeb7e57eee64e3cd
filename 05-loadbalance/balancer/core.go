package balancer

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// core is the Update machinery every policy shares: validate, keep endpoints stable by
// address, build the policy's immutable snapshot S and publish it atomically. Pick
// paths only ever call load.
type core[S any] struct {
	mu     sync.Mutex           // serialises Update
	byAddr map[string]*Endpoint // the current endpoints; guarded by mu
	snap   atomic.Pointer[S]    // nil while the set is empty
	shared *tracking
	// build makes the snapshot for a non-empty, valid target set; eps[i] is the
	// endpoint of targets[i]. An empty set is stored as a nil snapshot.
	build func(targets []Target, eps []*Endpoint) (*S, error)
}

// init sets up c before first use; policies call it from their constructors.
func (c *core[S]) init(shared *tracking, build func([]Target, []*Endpoint) (*S, error)) {
	c.shared, c.build = shared, build
}

// load returns the current snapshot, or ErrNoTarget when the set is empty.
func (c *core[S]) load() (*S, error) {
	s := c.snap.Load()
	if s == nil {
		return nil, ErrNoTarget
	}
	return s, nil
}

// update validates targets, then swaps in a snapshot built from them. On any error the
// previous snapshot and endpoints stay as they were.
func (c *core[S]) update(targets []Target) error {
	if err := validate(targets); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	eps := make([]*Endpoint, len(targets))
	next := make(map[string]*Endpoint, len(targets))
	for i, t := range targets {
		ep := c.byAddr[t.Addr]
		if ep == nil {
			ep = newEndpoint(t.Addr, c.shared)
		}
		eps[i] = ep
		next[t.Addr] = ep
	}
	var s *S
	if len(targets) > 0 {
		built, err := c.build(targets, eps)
		if err != nil {
			return err
		}
		s = built
	}
	c.snap.Store(s)
	c.byAddr = next
	return nil
}

// validate rejects the first bad target with an error that names it.
func validate(targets []Target) error {
	seen := make(map[string]int, len(targets))
	for i, t := range targets {
		if t.Addr == "" {
			return fmt.Errorf("target %d: empty address: %w", i, ErrInvalidTarget)
		}
		if t.Weight < 1 || t.Weight > MaxWeight {
			return fmt.Errorf("target %d (%s): weight %d is outside [1, %d]: %w",
				i, t.Addr, t.Weight, MaxWeight, ErrInvalidTarget)
		}
		if first, dup := seen[t.Addr]; dup {
			return fmt.Errorf("target %d (%s): duplicate address, also target %d: %w",
				i, t.Addr, first, ErrInvalidTarget)
		}
		seen[t.Addr] = i
	}
	return nil
}
