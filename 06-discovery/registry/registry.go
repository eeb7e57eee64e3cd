// Package registry defines service registration (服务注册) and discovery (服务发现): a
// backend registers an Instance of a service with a time to live, and a gateway lists
// or watches the service's instances. Implementations: registry/memory (in-process, the
// default of a gateway that runs alone) and registry/etcdreg (etcd leases and watches,
// for a fleet).
//
// Watch delivers complete sets, never deltas. A consumer that missed an update, or
// reconnected, or started late, simply takes the newest set; there is no "remove X"
// that could be applied twice or to the wrong state. That is also why a slow consumer
// may be handed only the latest set.
package registry

import (
	"context"
	"errors"
	"time"
)

// Registry registers and discovers instances of named services. Implementations are
// safe for concurrent use.
type Registry interface {
	// Register adds inst to service and keeps it there until ctx ends; then it removes
	// the instance and returns. ttl is how long the instance survives its owner dying
	// without deregistering (a crashed process, a lost network): implementations that
	// need liveness (etcd) renew it while Register runs. Register retries transient
	// failures on its own, so it returns early only for invalid input or a closed
	// client; a nil error means the instance was removed on ctx's end.
	//
	// An address is one instance: registering an address that is already registered
	// replaces it (a restarted backend takes over its entry), and the older
	// registration's end does not remove the newer one.
	Register(ctx context.Context, service string, inst Instance, ttl time.Duration) error

	// List returns the service's instances, sorted by address.
	List(ctx context.Context, service string) ([]Instance, error)

	// Watch returns a channel of the service's complete instance set, sorted by
	// address: the current set first, then every changed set. A reader that falls
	// behind receives only the newest set. The channel is closed when ctx ends (or the
	// implementation's client is closed). The returned error reports a failure to read
	// the current set; later failures are retried inside.
	Watch(ctx context.Context, service string) (<-chan []Instance, error)
}

var (
	// ErrInvalidService is wrapped when a service name is empty or has characters
	// outside [A-Za-z0-9._-].
	ErrInvalidService = errors.New("invalid service name")
	// ErrInvalidInstance is wrapped when an instance's address, weight or metadata is
	// unusable.
	ErrInvalidInstance = errors.New("invalid instance")
	// ErrInvalidTTL is wrapped when a TTL is not positive.
	ErrInvalidTTL = errors.New("invalid ttl")
)
