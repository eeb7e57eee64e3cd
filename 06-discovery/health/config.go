package health

import (
	"fmt"
	"time"
)

// Initial is the state a target starts in when it joins the target list.
type Initial uint8

const (
	// InitialPending (the default) waits for the first probe: the target gets no
	// traffic until it has answered once. The first probe runs as soon as the target
	// appears, so the wait is one probe round trip. This is Envoy's choice and the
	// safe one when instances come from a registry: a backend registers itself while
	// it may still be warming up.
	InitialPending Initial = iota
	// InitialHealthy trusts a new target until Fall probes have failed: traffic flows
	// at once, at the risk of sending some to a dead target (the course's choice, and
	// Traefik's). Reasonable for a static list that is known to be up.
	InitialHealthy
)

// Config configures a Checker. Zero fields take the defaults named with them.
type Config struct {
	// Prober checks one target; required (HTTP, TCP, GRPC or a ProberFunc).
	Prober Prober
	// Interval is the time between probes of a healthy or pending target; 0 means 5 s.
	Interval time.Duration
	// UnhealthyInterval is the time between probes of an unhealthy target; 0 means
	// Interval. Longer spares a struggling target, shorter brings it back sooner.
	UnhealthyInterval time.Duration
	// Timeout bounds one probe; 0 means 2 s.
	Timeout time.Duration
	// Jitter is the most added at random to each wait, so that gateways started
	// together do not probe in lockstep; 0 means Interval/10, negative means none.
	Jitter time.Duration
	// Rise is the number of consecutive passes that make an unhealthy target healthy;
	// 0 means 2.
	Rise int
	// Fall is the number of consecutive failures that make a healthy target unhealthy;
	// 0 means 3.
	Fall int
	// Concurrency bounds the probes in flight across all targets; 0 means 16.
	Concurrency int
	// Initial is the state of a new target; the zero value is InitialPending.
	Initial Initial
	// OnChange, if set, is called after every state transition, from the probing
	// goroutine of that target (so calls for one target arrive in order). It must not
	// block for long; it may call the Checker's methods.
	OnChange func(Change)
}

// Defaults for the zero fields of Config.
const (
	DefaultInterval    = 5 * time.Second
	DefaultTimeout     = 2 * time.Second
	DefaultRise        = 2
	DefaultFall        = 3
	DefaultConcurrency = 16
)

func (c Config) withDefaults() (Config, error) {
	if c.Prober == nil {
		return c, fmt.Errorf("no prober: %w", ErrInvalidConfig)
	}
	if c.Interval < 0 || c.UnhealthyInterval < 0 || c.Timeout < 0 || c.Rise < 0 || c.Fall < 0 || c.Concurrency < 0 {
		return c, fmt.Errorf("interval %v, unhealthy interval %v, timeout %v, rise %d, fall %d, concurrency %d: none may be negative: %w",
			c.Interval, c.UnhealthyInterval, c.Timeout, c.Rise, c.Fall, c.Concurrency, ErrInvalidConfig)
	}
	if c.Initial > InitialHealthy {
		return c, fmt.Errorf("initial state %d: %w", c.Initial, ErrInvalidConfig)
	}
	orDefault(&c.Interval, DefaultInterval)
	orDefault(&c.UnhealthyInterval, c.Interval)
	orDefault(&c.Timeout, DefaultTimeout)
	orDefault(&c.Jitter, c.Interval/10)
	orDefault(&c.Rise, DefaultRise)
	orDefault(&c.Fall, DefaultFall)
	orDefault(&c.Concurrency, DefaultConcurrency)
	c.Jitter = max(c.Jitter, 0)
	return c, nil
}

func orDefault[T time.Duration | int](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}
