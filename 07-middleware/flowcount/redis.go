package flowcount

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/quota"
)

// RedisConfig configures a Flusher and a Reader.
type RedisConfig struct {
	// Client is the Redis client. Required.
	Client redis.Cmdable
	// Prefix is put before every key (default "gatewaylab:flow:").
	Prefix string
	// Calendar is the zone hours and days are cut in (default local time). Every
	// instance and the dashboard must use the same one.
	Calendar quota.Calendar
	// TTL is refreshed on each write (default 48h, so yesterday's hours are still there
	// all of today).
	TTL time.Duration
}

func (c *RedisConfig) normalize() error {
	if c.Client == nil {
		return errors.New("flowcount: Client is required")
	}
	if c.Prefix == "" {
		c.Prefix = "gatewaylab:flow:"
	}
	if c.TTL <= 0 {
		c.TTL = 48 * time.Hour
	}
	return nil
}

// hourKey and dayKey name a counter's Redis keys for the hour and day containing t.
func (c *RedisConfig) hourKey(name string, t time.Time) string {
	return c.Prefix + "hour:" + t.Format("2006010215") + ":" + name
}

func (c *RedisConfig) dayKey(name string, t time.Time) string {
	return c.Prefix + "day:" + t.Format("20060102") + ":" + name
}

// Flusher adds each counter's growth since the last flush to Redis.
type Flusher struct {
	mu       sync.Mutex // one Flush at a time: each marks what it sent
	cfg      RedisConfig
	stats    *Stats
	interval time.Duration
	log      *slog.Logger
}

// FlusherConfig configures a Flusher.
type FlusherConfig struct {
	RedisConfig
	// Stats is what is flushed. Required.
	Stats *Stats
	// Interval between flushes (default 1s).
	Interval time.Duration
	// Logger receives flush errors (default slog.Default()).
	Logger *slog.Logger
}

// NewFlusher returns a Flusher; start it with Run.
func NewFlusher(cfg FlusherConfig) (*Flusher, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if cfg.Stats == nil {
		return nil, errors.New("flowcount: Stats is required")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Flusher{cfg: cfg.RedisConfig, stats: cfg.Stats, interval: cfg.Interval, log: cfg.Logger}, nil
}

// Run flushes every Interval until ctx ends, then flushes once more (bounded by 2s) so
// a clean shutdown loses nothing. It blocks; the caller owns the goroutine.
func (f *Flusher) Run(ctx context.Context) {
	tick := time.NewTicker(f.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := f.Flush(final); err != nil {
				f.log.Warn("final flow-count flush failed", "err", err)
			}
			return
		case <-tick.C:
			if err := f.Flush(ctx); err != nil && ctx.Err() == nil {
				f.log.Warn("flow-count flush failed; will retry", "err", err)
			}
		}
	}
}

// pending is one counter's unflushed growth.
type pending struct {
	c     *Counter
	total int64
	delta int64
}

// Flush sends every counter's growth in one MULTI/EXEC pipeline: INCRBY and EXPIRE on
// the current hour's and day's keys. Growth is marked as sent only when Redis accepted
// the whole transaction, so a failed flush is retried in full by the next one. (A reply
// lost after Redis applied it would be counted twice: counts are at least once.)
func (f *Flusher) Flush(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.cfg.Calendar.Time()
	var work []pending
	f.stats.Each(func(c *Counter) {
		total := c.Total()
		if d := total - c.flushed.Load(); d > 0 {
			work = append(work, pending{c, total, d})
		}
	})
	if len(work) == 0 {
		return nil
	}
	_, err := f.cfg.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, w := range work {
			for _, k := range []string{f.cfg.hourKey(w.c.name, now), f.cfg.dayKey(w.c.name, now)} {
				p.IncrBy(ctx, k, w.delta)
				p.Expire(ctx, k, f.cfg.TTL)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("flowcount: flush %d counters: %w", len(work), err)
	}
	for _, w := range work {
		w.c.flushed.Store(w.total)
	}
	return nil
}

// Reader reads the cluster-wide counts back (for a dashboard).
type Reader struct {
	cfg RedisConfig
}

// NewReader returns a Reader.
func NewReader(cfg RedisConfig) (*Reader, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	return &Reader{cfg: cfg}, nil
}

// Hourly returns name's count for each hour of day's date in day's location (pass a
// time from the same Calendar the flushers use); hours without traffic are 0. One MGET.
func (r *Reader) Hourly(ctx context.Context, name string, day time.Time) ([24]int64, error) {
	var out [24]int64
	y, m, d := day.Date()
	keys := make([]string, 24)
	for h := range 24 {
		keys[h] = r.cfg.hourKey(name, time.Date(y, m, d, h, 0, 0, 0, day.Location()))
	}
	vals, err := r.cfg.Client.MGet(ctx, keys...).Result()
	if err != nil {
		return out, fmt.Errorf("flowcount: read hours of %s: %w", name, err)
	}
	for h, v := range vals {
		if s, ok := v.(string); ok {
			out[h], _ = strconv.ParseInt(s, 10, 64) // written by INCRBY: always an integer
		}
	}
	return out, nil
}

// Day returns name's count for day's date.
func (r *Reader) Day(ctx context.Context, name string, day time.Time) (int64, error) {
	n, err := r.cfg.Client.Get(ctx, r.cfg.dayKey(name, day)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("flowcount: read day of %s: %w", name, err)
	}
	return n, nil
}

// TodayAndYesterday returns the hourly series the course's dashboard draws.
func (r *Reader) TodayAndYesterday(ctx context.Context, name string) (today, yesterday [24]int64, err error) {
	now := r.cfg.Calendar.Time()
	if today, err = r.Hourly(ctx, name, now); err != nil {
		return today, yesterday, err
	}
	yesterday, err = r.Hourly(ctx, name, now.AddDate(0, 0, -1))
	return today, yesterday, err
}
