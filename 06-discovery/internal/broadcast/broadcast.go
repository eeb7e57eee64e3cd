// Package broadcast hands the latest value of something (a healthy set, an ejected set,
// a service's instances) to any number of subscribers. Each subscriber has a one-slot
// mailbox: a value it has not read yet is replaced by the newer one, so a slow reader
// never blocks the publisher and never sees a stale value after a fresh one. That is only
// correct for complete states, never for deltas; every value published here is a
// complete state.
package broadcast

import (
	"context"
	"sync"
)

// Hub holds the current value and the subscribers. The zero value is not usable; call
// New.
type Hub[T any] struct {
	equal func(a, b T) bool
	clone func(T) T

	mu      sync.Mutex
	current T
	subs    map[*sub[T]]struct{}
}

type sub[T any] struct{ ch chan T }

// New returns a hub whose current value is initial. equal decides whether a published
// value is a change worth sending; clone gives every subscriber its own copy, so that
// one subscriber cannot modify what another reads (nil means values are shared, which
// is right for immutable ones).
func New[T any](initial T, equal func(a, b T) bool, clone func(T) T) *Hub[T] {
	if clone == nil {
		clone = func(v T) T { return v }
	}
	return &Hub[T]{equal: equal, clone: clone, current: initial, subs: make(map[*sub[T]]struct{})}
}

// Subscribe returns a channel that receives the current value at once and then every
// change. The channel is closed when ctx ends.
func (h *Hub[T]) Subscribe(ctx context.Context) <-chan T {
	s := &sub[T]{ch: make(chan T, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if ctx.Err() != nil {
		close(s.ch)
		return s.ch
	}
	s.ch <- h.clone(h.current)
	h.subs[s] = struct{}{}
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, s)
		close(s.ch)
	})
	return s.ch
}

// Publish makes v the current value and sends it to every subscriber, unless it equals
// the current value. It reports whether v was a change. It never blocks.
func (h *Hub[T]) Publish(v T) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.equal(h.current, v) {
		return false
	}
	h.current = v
	for s := range h.subs {
		Replace(s.ch, h.clone(v))
	}
	return true
}

// Current returns (a copy of) the current value.
func (h *Hub[T]) Current() T {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.clone(h.current)
}

// Replace puts v into the one-slot channel ch, dropping a value the reader has not taken
// yet. The caller must be ch's only sender (or serialise its senders); the reader may
// receive concurrently.
func Replace[T any](ch chan T, v T) {
	select {
	case <-ch:
	default:
	}
	ch <- v
}
