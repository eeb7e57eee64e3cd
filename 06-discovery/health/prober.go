package health

import (
	"context"
	"errors"
)

// Prober checks one target once. It returns nil when the target is healthy and an
// error saying why not otherwise. The Checker bounds every call with a deadline on ctx;
// a Prober must return soon after ctx ends. Probers are called concurrently.
type Prober interface {
	Probe(ctx context.Context, addr string) error
}

// ProberFunc adapts a function to Prober.
type ProberFunc func(ctx context.Context, addr string) error

// Probe calls f(ctx, addr).
func (f ProberFunc) Probe(ctx context.Context, addr string) error { return f(ctx, addr) }

var (
	// ErrUnexpectedStatus is wrapped when an HTTP probe gets a status outside the
	// expected ranges.
	ErrUnexpectedStatus = errors.New("unexpected status")
	// ErrBodyMismatch is wrapped when an HTTP probe's body lacks the expected text.
	ErrBodyMismatch = errors.New("body does not contain the expected text")
	// ErrNotServing is wrapped when a gRPC health check answers anything but SERVING.
	ErrNotServing = errors.New("not serving")
	// ErrInvalidConfig is wrapped by constructor errors that reject a field.
	ErrInvalidConfig = errors.New("invalid health check config")
	// ErrRunning is returned by Run when the Checker is already running.
	ErrRunning = errors.New("health checker already running")
)
