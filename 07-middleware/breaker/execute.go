package breaker

import (
	"context"
	"errors"
	"time"
)

// hystrix event names (hystrix/metrics.go).
const (
	eventSuccess         = "success"
	eventFailure         = "failure"
	eventTimeout         = "timeout"
	eventRejected        = "rejected"
	eventShortCircuit    = "short-circuit"
	eventContextCanceled = "context_canceled"
)

// Execute runs call in the caller's goroutine if the circuit allows it, with ctx bounded
// by Timeout, and records the outcome: a nil error is a success, a deadline hit is a
// timeout, any other error a failure. A call cut short because the caller's own ctx
// ended (the client went away) counts as neither.
//
// It returns ErrOpen or ErrMaxConcurrency without calling call, ErrTimeout (wrapping
// call's error) when the deadline passed, or call's error.
func (c *Circuit) Execute(ctx context.Context, call func(ctx context.Context) error) error {
	s := c.cfg.Load()
	start := time.Now()
	probe, ok := c.admit(start)
	if !ok {
		c.report(eventShortCircuit, start, 0)
		return ErrOpen
	}
	select {
	case s.sem <- struct{}{}:
	default:
		c.endProbe(probe)
		c.report(eventRejected, start, 0)
		return ErrMaxConcurrency
	}
	callCtx, cancel := context.WithTimeout(ctx, s.timeout)
	err := call(callCtx)
	cancel()
	<-s.sem // the slot is back before the caller sees the result

	event := classify(ctx, callCtx, err)
	if event == eventTimeout {
		err = errors.Join(ErrTimeout, err)
	}
	c.finish(probe, event, start)
	return err
}

func classify(parent, callCtx context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return eventContextCanceled
	case callCtx.Err() == context.DeadlineExceeded:
		return eventTimeout // even if call returned nil: it answered too late
	case err != nil:
		return eventFailure
	default:
		return eventSuccess
	}
}

// admit asks hystrix whether a call may start; probe reports that it is the single
// test call of an open circuit.
func (c *Circuit) admit(now time.Time) (probe, ok bool) {
	if !c.cb.IsOpen() {
		c.observe(Closed)
		return false, true
	}
	c.noteOpened(now)
	if !c.cb.AllowRequest() { // open: true once per sleep window
		c.observe(c.stateAt(now))
		return false, false
	}
	c.openedAt.Store(now.UnixNano()) // hystrix restarts its window at each probe too
	c.probing.Store(true)
	c.observe(HalfOpen)
	return true, true
}

// finish reports the call's outcome. A success reported while the circuit is open closes
// it (hystrix's rule), so only the probe's success is reported then: a slow call that
// started before the circuit opened must not close it.
func (c *Circuit) finish(probe bool, event string, start time.Time) {
	if event == eventSuccess && !probe && c.cb.IsOpen() {
		return
	}
	c.report(event, start, time.Since(start))
	c.endProbe(probe)
	if c.cb.IsOpen() {
		c.noteOpened(time.Now())
		c.observe(c.stateAt(time.Now()))
	} else {
		c.observe(Closed)
	}
}

func (c *Circuit) endProbe(probe bool) {
	if probe {
		c.probing.Store(false)
	}
}

func (c *Circuit) report(event string, start time.Time, d time.Duration) {
	// The only error is hystrix's metrics channel being full: the circuit still works,
	// it just misses one sample.
	_ = c.cb.ReportEvent([]string{event}, start, d)
}
