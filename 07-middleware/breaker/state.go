package breaker

import "time"

// State reports the circuit's position now. Open becomes HalfOpen when the sleep window
// has passed, without waiting for a request: the next call will be the probe.
//
// hystrix updates its health metrics asynchronously, so a circuit may open a few
// milliseconds after the failing call that tipped it has returned.
func (c *Circuit) State() State {
	if !c.cb.IsOpen() {
		c.observe(Closed)
		return Closed
	}
	now := time.Now()
	c.noteOpened(now)
	s := c.stateAt(now)
	c.observe(s)
	return s
}

// RetryAfter is how long until an open circuit lets a probe through (0 unless Open).
func (c *Circuit) RetryAfter() time.Duration {
	if c.State() != Open {
		return 0
	}
	return time.Until(time.Unix(0, c.openedAt.Load()).Add(c.cfg.Load().sleep))
}

// stateAt is Open or HalfOpen for a circuit hystrix reports open.
func (c *Circuit) stateAt(now time.Time) State {
	if c.probing.Load() {
		return HalfOpen
	}
	if now.Sub(time.Unix(0, c.openedAt.Load())) >= c.cfg.Load().sleep {
		return HalfOpen
	}
	return Open
}

// noteOpened records the moment the circuit is first seen open. hystrix opens circuits
// only inside IsOpen, which only this package calls, so that moment is when it opened.
func (c *Circuit) noteOpened(now time.Time) {
	if State(c.last.Load()) == Closed {
		c.openedAt.Store(now.UnixNano())
	}
}

// observe reports a change of state to OnStateChange once.
func (c *Circuit) observe(s State) {
	old := State(c.last.Swap(int32(s)))
	if old == s {
		return
	}
	if f := c.cfg.Load().onChange; f != nil {
		f(c.name, old, s)
	}
}
