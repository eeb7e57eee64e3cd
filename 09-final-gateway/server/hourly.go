package server

import (
	"context"
	"sync"
	"time"

	"gatewaylab/07-middleware/flowcount"
)

// hourly keeps requests per hour for today and yesterday, per counter, in this process:
// the dashboard's charts when there is no Redis (with Redis the figures come from the
// cluster-wide hourly keys instead). It samples the flow counters' totals every tick and
// adds each counter's growth to the current hour.
type hourly struct {
	stats *flowcount.Stats
	mu    sync.Mutex
	last  map[string]int64                 // counter total at the previous tick
	hours map[string]map[string]*[24]int64 // counter -> day (20060102) -> per hour
}

func newHourly(stats *flowcount.Stats) *hourly {
	return &hourly{stats: stats, last: map[string]int64{}, hours: map[string]map[string]*[24]int64{}}
}

// run samples every interval until ctx ends.
func (h *hourly) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			h.sample(now)
		}
	}
}

func (h *hourly) sample(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	day := now.Format("20060102")
	for _, c := range h.stats.Snapshot() {
		delta := c.Total - h.last[c.Name]
		h.last[c.Name] = c.Total
		if delta == 0 {
			continue
		}
		days := h.hours[c.Name]
		if days == nil {
			days = map[string]*[24]int64{}
			h.hours[c.Name] = days
		}
		if days[day] == nil {
			days[day] = new([24]int64)
			for d := range days { // keep only today and yesterday
				if d != day && d != now.AddDate(0, 0, -1).Format("20060102") {
					delete(days, d)
				}
			}
		}
		days[day][now.Hour()] += delta
	}
}

// Series returns counter's hourly figures for today and yesterday.
func (h *hourly) Series(counter string, now time.Time) (today, yesterday [24]int64, err error) {
	h.sample(now) // include what arrived since the last tick
	h.mu.Lock()
	defer h.mu.Unlock()
	if d := h.hours[counter][now.Format("20060102")]; d != nil {
		today = *d
	}
	if d := h.hours[counter][now.AddDate(0, 0, -1).Format("20060102")]; d != nil {
		yesterday = *d
	}
	return today, yesterday, nil
}
