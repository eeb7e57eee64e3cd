package outlier

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Event is one ejection or return, reported to Config.OnChange.
type Event struct {
	Addr string
	// Ejected is true for an ejection, false for a return to rotation.
	Ejected bool
	// Until is when an ejection ends (zero for a return).
	Until time.Time
	// Ejections is the target's ejection count, this one included, after decay.
	Ejections int
	At        time.Time
}

// Status is one target's passive-check state, for an admin API.
type Status struct {
	Addr                string    `json:"addr"`
	Ejected             bool      `json:"ejected"`
	EjectedUntil        time.Time `json:"ejected_until,omitzero"`
	Ejections           int       `json:"ejections"` // after decay
	ConsecutiveFailures int64     `json:"consecutive_failures"`
}

// Run returns ejected targets to rotation when their time is up, until ctx ends; it
// returns nil then. Without Run, queries still see ejections end (state is brought up
// to date on every call), but subscribers are not told.
func (d *Detector) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-d.wake:
		}
		if next := d.refresh(time.Now()); !next.IsZero() {
			timer.Reset(time.Until(next))
		} else {
			timer.Stop()
		}
	}
}

// refresh returns targets whose time is up to rotation and returns the earliest end of
// an ejection still running (zero if none).
func (d *Detector) refresh(now time.Time) time.Time {
	d.mu.Lock()
	events := d.refreshLocked(*d.hosts.Load(), now)
	var next time.Time
	for _, h := range *d.hosts.Load() {
		if !h.until.IsZero() && (next.IsZero() || h.until.Before(next)) {
			next = h.until
		}
	}
	d.mu.Unlock()
	for _, ev := range events {
		d.notify(ev)
	}
	return next
}

func (d *Detector) refreshLocked(hosts map[string]*host, now time.Time) []Event {
	var events []Event
	for _, h := range hosts {
		if h.until.IsZero() || now.Before(h.until) {
			continue
		}
		h.returnedAt, h.until = h.until, time.Time{}
		h.consecutive.Store(0) // a fresh start: the failures that ejected it are history
		d.ejected--
		events = append(events, Event{Addr: h.addr, Ejections: h.ejections, At: now})
	}
	if events != nil {
		d.publishLocked(hosts)
	}
	return events
}

// Subscribe returns a channel that receives the ejected addresses (sorted) now and
// after every change; a slow reader gets only the latest. It is closed when ctx ends.
func (d *Detector) Subscribe(ctx context.Context) <-chan []string { return d.hub.Subscribe(ctx) }

// Ejected returns the addresses ejected now, sorted.
func (d *Detector) Ejected() []string {
	d.refresh(time.Now())
	return d.hub.Current()
}

// Statuses returns every target's state, sorted by address.
func (d *Detector) Statuses() []Status {
	now := time.Now()
	d.refresh(now)
	d.mu.Lock()
	out := make([]Status, 0, len(*d.hosts.Load()))
	for _, h := range *d.hosts.Load() {
		out = append(out, Status{
			Addr: h.addr, Ejected: !h.until.IsZero(), EjectedUntil: h.until,
			Ejections: d.decayed(h, now), ConsecutiveFailures: h.consecutive.Load(),
		})
	}
	d.mu.Unlock()
	slices.SortFunc(out, func(a, b Status) int { return cmp.Compare(a.Addr, b.Addr) })
	return out
}
