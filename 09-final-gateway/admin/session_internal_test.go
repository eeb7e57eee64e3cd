package admin

import (
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time                  { return c.t }
func (c *clock) advance(d time.Duration)         { c.t = c.t.Add(d) }
func newClock() *clock                           { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }
func (s *sessions) withClock(c *clock) *sessions { s.now = c.now; return s }

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // time passing between uses of the session
		alive bool
	}{
		{"fresh", nil, true},
		{"used every 20 minutes for 7 hours", repeat(21, 20*time.Minute), true},
		{"idle for 30 minutes", []time.Duration{30 * time.Minute}, false},
		{"used all the time, past its lifetime", repeat(17, 29*time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			s := newSessions(8 * time.Hour).withClock(c)
			id, _ := s.create(nil)
			alive := true
			for _, d := range tt.steps {
				c.advance(d)
				_, alive = s.get(id)
				if !alive {
					break
				}
			}
			if alive != tt.alive {
				t.Errorf("alive = %v, want %v", alive, tt.alive)
			}
		})
	}
}

func repeat(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestSessionsAreBounded(t *testing.T) {
	c := newClock()
	s := newSessions(time.Hour).withClock(c)
	s.max = 3
	first, _ := s.create(nil)
	for range 3 {
		c.advance(time.Second)
		s.create(nil)
	}
	if len(s.byKey) != 3 {
		t.Errorf("%d sessions kept, want 3", len(s.byKey))
	}
	if _, ok := s.get(first); ok {
		t.Error("the oldest session was kept beyond the bound")
	}
}

func TestThrottleWindow(t *testing.T) {
	c := newClock()
	th := newThrottle(2, time.Minute)
	th.now = c.now
	th.failed()
	if th.blocked() {
		t.Fatal("blocked after 1 failure of 2")
	}
	th.failed()
	if !th.blocked() {
		t.Fatal("not blocked after 2 failures")
	}
	c.advance(time.Minute)
	if th.blocked() {
		t.Error("still blocked in the next minute")
	}
}
