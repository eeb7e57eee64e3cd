package health

import (
	"context"
	"math/rand/v2"
	"time"
)

// loop probes t at once, then again after every wait, until ctx ends (Run stopped or t
// was removed).
func (c *Checker) loop(ctx context.Context, t *target) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		st, ok := c.probe(ctx, t)
		if !ok {
			return
		}
		timer.Reset(c.wait(st))
	}
}

// probe runs one probe under the concurrency bound and records its result. It reports
// false when ctx ended first: the result of a cancelled probe says nothing about the
// target.
func (c *Checker) probe(ctx context.Context, t *target) (State, bool) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, false
	}
	pctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	err := c.cfg.Prober.Probe(pctx, t.addr)
	cancel()
	<-c.sem
	if ctx.Err() != nil {
		return 0, false
	}
	return c.record(t, err), true
}

// record applies one probe result to t, publishes the new states if t changed state and
// tells OnChange, outside the lock, so that OnChange may call back into the Checker.
func (c *Checker) record(t *target, err error) State {
	now := time.Now()
	c.mu.Lock()
	if c.targets[t.addr] != t { // removed while the probe ran
		c.mu.Unlock()
		return Pending
	}
	from := t.status.State
	t.status.observe(err, now, c.cfg.Rise, c.cfg.Fall)
	to := t.status.State
	if from != to {
		c.publishLocked()
	}
	c.mu.Unlock()
	if from != to && c.cfg.OnChange != nil {
		c.cfg.OnChange(Change{Addr: t.addr, From: from, To: to, Err: err, At: now})
	}
	return to
}

// observe is the hysteresis: Fall failures in a row to go down, Rise passes in a row to
// come back. Any result resets the other counter, so alternating results never reach
// either threshold (with Rise and Fall of 2 or more) and the state holds. A pending
// target takes the first result as it is.
func (s *Status) observe(err error, now time.Time, rise, fall int) {
	s.LastProbe = now
	if err == nil {
		s.ConsecutivePasses++
		s.ConsecutiveFailures = 0
		if s.State == Pending || (s.State == Unhealthy && s.ConsecutivePasses >= rise) {
			s.enter(Healthy, now)
		}
		return
	}
	s.ConsecutiveFailures++
	s.ConsecutivePasses = 0
	s.LastError, s.LastFailure = err.Error(), now
	if s.State == Pending || (s.State == Healthy && s.ConsecutiveFailures >= fall) {
		s.enter(Unhealthy, now)
	}
}

func (s *Status) enter(st State, now time.Time) {
	s.State, s.Since = st, now
}

// wait is the time until the next probe of a target in state st.
func (c *Checker) wait(st State) time.Duration {
	d := c.cfg.Interval
	if st == Unhealthy {
		d = c.cfg.UnhealthyInterval
	}
	if c.cfg.Jitter > 0 {
		d += rand.N(c.cfg.Jitter)
	}
	return d
}
