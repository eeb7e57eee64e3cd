// Package breaker is circuit breaking (熔断) on github.com/afex/hystrix-go, the library
// the course uses, but driven synchronously.
//
// hystrix.Do runs the command in a goroutine of its own and returns on timeout or
// rejection while that goroutine keeps going. The course ran the proxy (c.Next()) inside
// it: after a timeout the middleware wrote "circuit error" and returned, and then the
// abandoned proxy goroutine wrote to the same ResponseWriter after the handler had
// returned, racing with net/http reusing it (course-anchor 3.1.7). hystrix also hands
// its concurrency tickets back after the caller already saw the result, so even
// sequential calls hit ErrMaxConcurrency.
//
// Here only hystrix's circuit is used: GetCircuit for the shared health metrics and the
// open/closed decision, AllowRequest before a call and ReportEvent after it. The call
// runs in the caller's goroutine under a context deadline (Timeout), with a semaphore of
// our own (MaxConcurrentRequests) released before Execute returns. Nothing is ever left
// running, so nothing can write after the handler returns.
package breaker

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/afex/hystrix-go/hystrix"
)

// Errors returned by Execute when the call did not run or did not finish in time.
var (
	ErrOpen           = errors.New("circuit open")
	ErrMaxConcurrency = errors.New("too many concurrent calls")
	ErrTimeout        = errors.New("call timed out")
)

// State is a circuit's position.
type State int32

const (
	// Closed: calls go through and are counted.
	Closed State = iota
	// Open: calls are refused until the sleep window has passed.
	Open
	// HalfOpen: the sleep window has passed; the next call is a probe whose success
	// closes the circuit and whose failure opens it for another window.
	HalfOpen
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	default:
		return "closed"
	}
}

// CircuitConfig configures a Circuit. Zero fields take hystrix's defaults.
type CircuitConfig struct {
	// Name is the circuit: one per service or route. Circuits with the same name share
	// their health, in this process only. Required.
	Name string
	// ErrorPercentThreshold opens the circuit when this percentage of the calls in the
	// last 10 s failed (default 50).
	ErrorPercentThreshold int
	// RequestVolumeThreshold is the number of calls in the last 10 s below which the
	// circuit never opens, so three failures at night do not trip it (default 20).
	RequestVolumeThreshold int
	// SleepWindow is how long the circuit stays open before letting a probe through
	// (default 5 s, at least 1 ms).
	SleepWindow time.Duration
	// Timeout is the deadline put on each call's context; a call that ends after it
	// counts as a timeout (default 1 s).
	Timeout time.Duration
	// MaxConcurrentRequests is the number of calls allowed at once (default 10).
	MaxConcurrentRequests int
	// OnStateChange, if set, is called from the request goroutine when a state change is
	// seen (for metrics and logs). It must not block.
	OnStateChange func(name string, from, to State)
}

// Circuit guards calls to one service. It is safe for concurrent use.
type Circuit struct {
	name string
	cb   *hystrix.CircuitBreaker
	cfg  atomic.Pointer[circuitSettings]

	openedAt atomic.Int64 // unix ns of the last opening or probe
	probing  atomic.Bool
	last     atomic.Int32 // the State last reported to OnStateChange
}

type circuitSettings struct {
	sleep    time.Duration
	timeout  time.Duration
	sem      chan struct{}
	onChange func(name string, from, to State)
}

var (
	registryMu sync.Mutex
	registry   = map[string]*Circuit{}
)

// NewCircuit returns the circuit named cfg.Name, configured by cfg. hystrix keeps its
// circuits for the life of the process, so a second NewCircuit with the same name (a
// config reload) returns the same Circuit with the new settings applied; its state and
// health are kept.
func NewCircuit(cfg CircuitConfig) (*Circuit, error) {
	if err := normalize(&cfg); err != nil {
		return nil, err
	}
	hystrix.ConfigureCommand(cfg.Name, hystrix.CommandConfig{
		Timeout:                int(cfg.Timeout / time.Millisecond),
		MaxConcurrentRequests:  cfg.MaxConcurrentRequests,
		RequestVolumeThreshold: cfg.RequestVolumeThreshold,
		SleepWindow:            int(cfg.SleepWindow / time.Millisecond),
		ErrorPercentThreshold:  cfg.ErrorPercentThreshold,
	})
	registryMu.Lock()
	defer registryMu.Unlock()
	c, ok := registry[cfg.Name]
	if !ok {
		cb, _, err := hystrix.GetCircuit(cfg.Name)
		if err != nil {
			return nil, fmt.Errorf("breaker %s: %w", cfg.Name, err)
		}
		c = &Circuit{name: cfg.Name, cb: cb}
		registry[cfg.Name] = c
	}
	c.cfg.Store(&circuitSettings{
		sleep:    cfg.SleepWindow,
		timeout:  cfg.Timeout,
		sem:      make(chan struct{}, cfg.MaxConcurrentRequests),
		onChange: cfg.OnStateChange,
	})
	return c, nil
}

func normalize(cfg *CircuitConfig) error {
	if cfg.Name == "" {
		return errors.New("breaker: Name is required")
	}
	defaults := []struct {
		field string
		v     *int
		def   int
		max   int
	}{
		{"ErrorPercentThreshold", &cfg.ErrorPercentThreshold, hystrix.DefaultErrorPercentThreshold, 100},
		{"RequestVolumeThreshold", &cfg.RequestVolumeThreshold, hystrix.DefaultVolumeThreshold, math.MaxInt32},
		{"MaxConcurrentRequests", &cfg.MaxConcurrentRequests, hystrix.DefaultMaxConcurrent, math.MaxInt32},
	}
	for _, d := range defaults {
		if *d.v == 0 {
			*d.v = d.def
		}
		if *d.v < 1 || *d.v > d.max {
			return fmt.Errorf("breaker %s: %s must be in 1..%d, got %d", cfg.Name, d.field, d.max, *d.v)
		}
	}
	if cfg.SleepWindow == 0 {
		cfg.SleepWindow = time.Duration(hystrix.DefaultSleepWindow) * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Duration(hystrix.DefaultTimeout) * time.Millisecond
	}
	if cfg.SleepWindow < time.Millisecond || cfg.Timeout < time.Millisecond {
		return fmt.Errorf("breaker %s: SleepWindow and Timeout must be at least 1ms", cfg.Name)
	}
	return nil
}

// Name is the circuit's name.
func (c *Circuit) Name() string { return c.name }
