package outlier

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/internal/broadcast"
)

// Detector counts failures per target and ejects outliers. Create it with New; all
// methods are safe for concurrent use.
type Detector struct {
	cfg   Config
	hosts atomic.Pointer[map[string]*host] // read on every request without a lock
	hub   *broadcast.Hub[[]string]         // the ejected set
	wake  chan struct{}                    // tells Run that an ejection needs a timer

	mu      sync.Mutex // guards every host's ejection fields
	ejected int        // targets ejected now
}

// host is one target. consecutive is updated on the request path without a lock; the
// ejection fields are guarded by Detector.mu.
type host struct {
	addr        string
	consecutive atomic.Int64

	ejections  int       // past ejections, before decay
	until      time.Time // end of the current ejection; zero when in rotation
	returnedAt time.Time // when the last ejection ended; decay counts from here
}

var _ balancer.OutcomeObserver = (*Detector)(nil)

// New validates cfg and returns a Detector with no targets.
func New(cfg Config) (*Detector, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Detector{
		cfg:  cfg,
		hub:  broadcast.New([]string{}, slices.Equal[[]string], slices.Clone[[]string]),
		wake: make(chan struct{}, 1),
	}
	d.hosts.Store(&map[string]*host{})
	return d, nil
}

// SetTargets replaces the targets the Detector tracks. Targets that stay keep their
// counts and ejections; outcomes for addresses not in the list are ignored.
func (d *Detector) SetTargets(addrs []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := *d.hosts.Load()
	hosts := make(map[string]*host, len(addrs))
	for _, a := range addrs {
		if h, ok := old[a]; ok {
			hosts[a] = h
		} else if a != "" {
			hosts[a] = &host{addr: a}
		}
	}
	d.hosts.Store(&hosts)
	d.ejected = 0
	for _, h := range hosts {
		if !h.until.IsZero() {
			d.ejected++
		}
	}
	d.publishLocked(hosts)
}

// ObserveOutcome counts one request's outcome. It runs on the request path: a success
// costs an atomic load, a failure an atomic add, and only the failure that reaches
// ConsecutiveFailures takes a lock.
func (d *Detector) ObserveOutcome(ep *balancer.Endpoint, o balancer.Outcome) {
	h := (*d.hosts.Load())[ep.Addr()]
	switch {
	case h == nil:
	case o.Failed():
		if h.consecutive.Add(1) >= int64(d.cfg.ConsecutiveFailures) {
			d.tryEject(h)
		}
	case o.Err != nil: // the client went away: no verdict on the target
	case h.consecutive.Load() != 0: // skip the store (a cache-line write) when already 0
		h.consecutive.Store(0)
	}
}

// tryEject ejects h unless it is already out, was removed, or the cap is reached (then
// its next failure tries again).
func (d *Detector) tryEject(h *host) {
	now := time.Now()
	d.mu.Lock()
	hosts := *d.hosts.Load()
	d.refreshLocked(hosts, now)
	if hosts[h.addr] != h || !h.until.IsZero() || d.ejected >= d.cfg.maxEjected(len(hosts)) {
		d.mu.Unlock()
		return
	}
	h.ejections = d.decayed(h, now) + 1
	h.until = now.Add(d.cfg.ejectionTime(h.ejections))
	h.consecutive.Store(0)
	d.ejected++
	ev := Event{Addr: h.addr, Ejected: true, Until: h.until, Ejections: h.ejections, At: now}
	d.publishLocked(hosts)
	d.mu.Unlock()

	select { // Run must set a timer for the return
	case d.wake <- struct{}{}:
	default:
	}
	d.notify(ev)
}

// decayed is h's ejection count after decay: one forgotten per DecayInterval spent in
// rotation since the last return. Nothing decays during an ejection.
func (d *Detector) decayed(h *host, now time.Time) int {
	if h.returnedAt.IsZero() || !h.until.IsZero() {
		return h.ejections
	}
	forgotten := int(now.Sub(h.returnedAt) / d.cfg.DecayInterval)
	return max(0, h.ejections-forgotten)
}

func (d *Detector) notify(ev Event) {
	if d.cfg.OnChange != nil {
		d.cfg.OnChange(ev)
	}
}

func (d *Detector) publishLocked(hosts map[string]*host) {
	out := []string{}
	for a, h := range hosts {
		if !h.until.IsZero() {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	d.hub.Publish(out)
}

// String describes the configuration, for logs.
func (d *Detector) String() string {
	c := d.cfg
	return fmt.Sprintf("eject after %d consecutive failures for %v × n (max %v), at most %d%% of targets",
		c.ConsecutiveFailures, c.BaseEjectionTime, c.MaxEjectionTime, c.MaxEjectionPercent)
}
