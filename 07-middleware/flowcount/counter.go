// Package flowcount counts traffic (流量统计): totals, QPS and today's count per service
// and per app, cheaply enough to run on every request.
//
// Counting is a few atomic operations on the request goroutine; no goroutine is started
// per request (the course's Increase() started one just to do an atomic add) and no lock
// is taken. QPS comes from a ring of per-second buckets, each one word holding the
// second and its count, so a bucket is reset and incremented in one compare-and-swap.
//
// For a cluster-wide view, a Flusher adds each counter's growth to Redis once per
// interval with one pipelined transaction (INCRBY+EXPIRE on hourly and daily keys), and
// a Reader reads the hourly series back for dashboards.
package flowcount

import (
	"sync/atomic"
	"time"

	"gatewaylab/07-middleware/quota"
)

// Counter counts one stream of requests. All methods are safe for concurrent use.
type Counter struct {
	name    string
	total   atomic.Int64
	flushed atomic.Int64    // the part of total already added to Redis
	day     atomic.Uint64   // day number << dayShift | count
	seconds []atomic.Uint64 // ring: unix second (low 32 bits) << 32 | count
	window  int             // seconds QPS is averaged over
}

const dayShift = 40

func newCounter(name string, window int) *Counter {
	return &Counter{name: name, window: window, seconds: make([]atomic.Uint64, window+1)}
}

// Name is the counter's name ("service:orders", "app:app_a").
func (c *Counter) Name() string { return c.name }

// add counts one request at now (in the stats' time zone).
func (c *Counter) add(now time.Time) {
	c.total.Add(1)
	bump(&c.day, quota.DayNumber(now), dayShift)
	sec := uint64(uint32(now.Unix()))
	bump(&c.seconds[int(sec%uint64(len(c.seconds)))], sec, 32)
}

// bump increments the count in the low bits of w, first resetting it when the period
// in the high bits is not period.
func bump(w *atomic.Uint64, period uint64, shift uint) {
	for {
		old := w.Load()
		next := period<<shift | 1
		if old>>shift == period {
			next = old + 1
		}
		if w.CompareAndSwap(old, next) {
			return
		}
	}
}

// Total is the number of requests counted since start.
func (c *Counter) Total() int64 { return c.total.Load() }

// Today is the number of requests counted today (in the stats' time zone).
func (c *Counter) Today(now time.Time) int64 {
	w := c.day.Load()
	if w>>dayShift != quota.DayNumber(now) {
		return 0
	}
	return int64(w & (1<<dayShift - 1))
}

// QPS is the average rate over the last complete seconds of the window: the current,
// still filling second is left out so the value does not sag at the start of each second.
func (c *Counter) QPS(now time.Time) float64 {
	cur := now.Unix()
	var sum uint64
	for s := cur - int64(c.window); s < cur; s++ {
		w := c.seconds[int(uint64(uint32(s))%uint64(len(c.seconds)))].Load()
		if w>>32 == uint64(uint32(s)) {
			sum += w & (1<<32 - 1)
		}
	}
	return float64(sum) / float64(c.window)
}
