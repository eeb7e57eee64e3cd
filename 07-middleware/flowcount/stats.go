package flowcount

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gatewaylab/07-middleware/quota"
)

// StatsConfig configures a Stats.
type StatsConfig struct {
	// Calendar sets the zone "today" is counted in and the clock (default: local time).
	Calendar quota.Calendar
	// Window is the span QPS is averaged over, 1s to 60s (default 5s).
	Window time.Duration
	// MaxCounters bounds the number of names (default 10000). Names come from config
	// (services) and from verified identities (apps), so the bound is a safety net;
	// requests for names beyond it are counted under Overflow.
	MaxCounters int
}

// Overflow is the counter that takes requests for names beyond MaxCounters.
const Overflow = "overflow"

// Stats is a set of named counters. Safe for concurrent use.
type Stats struct {
	cal      quota.Calendar
	window   int
	max      int
	counters sync.Map // name -> *Counter
	mu       sync.Mutex
	n        int // counters created, guarded by mu
}

// NewStats returns an empty Stats.
func NewStats(cfg StatsConfig) (*Stats, error) {
	if cfg.Window == 0 {
		cfg.Window = 5 * time.Second
	}
	if cfg.Window < time.Second || cfg.Window > time.Minute || cfg.Window%time.Second != 0 {
		return nil, fmt.Errorf("flowcount: Window must be whole seconds within 1s..60s, got %v", cfg.Window)
	}
	if cfg.MaxCounters <= 0 {
		cfg.MaxCounters = 10_000
	}
	return &Stats{cal: cfg.Calendar, window: int(cfg.Window / time.Second), max: cfg.MaxCounters}, nil
}

// Add counts one request for name now.
func (s *Stats) Add(name string) { s.Counter(name).add(s.cal.Time()) }

// Counter returns the counter for name, creating it on first use.
func (s *Stats) Counter(name string) *Counter {
	if c, ok := s.counters.Load(name); ok {
		return c.(*Counter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n >= s.max {
		name = Overflow
	}
	if c, ok := s.counters.Load(name); ok {
		return c.(*Counter)
	}
	c := newCounter(name, s.window)
	s.counters.Store(name, c)
	s.n++
	return c
}

// Snapshot is one counter's numbers at one moment.
type Snapshot struct {
	Name  string  `json:"name"`
	Total int64   `json:"total"`
	Today int64   `json:"today"`
	QPS   float64 `json:"qps"`
}

// Snapshot returns every counter's numbers, sorted by name.
func (s *Stats) Snapshot() []Snapshot {
	now := s.cal.Time()
	var out []Snapshot
	s.Each(func(c *Counter) {
		out = append(out, Snapshot{Name: c.name, Total: c.Total(), Today: c.Today(now), QPS: c.QPS(now)})
	})
	slices.SortFunc(out, func(a, b Snapshot) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Each calls f for every counter, in no particular order.
func (s *Stats) Each(f func(*Counter)) {
	s.counters.Range(func(_, v any) bool {
		f(v.(*Counter))
		return true
	})
}
