package discovery

import (
	"context"
	"fmt"

	"gatewaylab/06-discovery/registry"
)

// Source supplies complete instance sets: the current one first, then each change.
// The channel is closed when ctx ends.
type Source interface {
	Watch(ctx context.Context) (<-chan []registry.Instance, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) (<-chan []registry.Instance, error)

// Watch calls f(ctx).
func (f SourceFunc) Watch(ctx context.Context) (<-chan []registry.Instance, error) { return f(ctx) }

// FromRegistry watches one service of a registry.
func FromRegistry(r registry.Registry, service string) Source {
	return SourceFunc(func(ctx context.Context) (<-chan []registry.Instance, error) {
		return r.Watch(ctx, service)
	})
}

// Static is a fixed list of instances, as a configuration file gives them. The list is
// checked now, so that a mistake surfaces when the config loads, not when traffic
// flows. (For a static list that changes on config reload, use a memory.Registry and
// its Set method.)
func Static(insts ...registry.Instance) (Source, error) {
	checked := make([]registry.Instance, len(insts))
	for i, in := range insts {
		n, err := registry.Normalize(in)
		if err != nil {
			return nil, fmt.Errorf("static instance %d: %w", i, err)
		}
		checked[i] = n
	}
	set := registry.Sorted(checked)
	return SourceFunc(func(ctx context.Context) (<-chan []registry.Instance, error) {
		ch := make(chan []registry.Instance, 1)
		ch <- registry.Clone(set)
		context.AfterFunc(ctx, func() { close(ch) })
		return ch, nil
	}), nil
}
