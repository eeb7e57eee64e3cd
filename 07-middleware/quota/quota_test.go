package quota_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/07-middleware/quota"
)

// beijing avoids depending on the tzdata of the test machine.
var beijing = time.FixedZone("CST", 8*3600)

type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time        { return time.Unix(0, c.ns.Load()) }
func (c *clock) Set(t time.Time)       { c.ns.Store(t.UnixNano()) }
func newClock(t time.Time) *clock      { c := &clock{}; c.Set(t); return c }
func calendar(c *clock) quota.Calendar { return quota.Calendar{Location: beijing, Now: c.Now} }
func mustIncr(t *testing.T, c quota.Counter, key string) int64 {
	t.Helper()
	n, err := c.Incr(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLocalCountsPerDayInTheZone(t *testing.T) {
	// 23:59 in Beijing is 15:59 UTC: the day ends at Beijing's midnight, not UTC's.
	clk := newClock(time.Date(2026, 3, 1, 23, 59, 0, 0, beijing))
	l := quota.NewLocal(calendar(clk), 0)
	for want := int64(1); want <= 3; want++ {
		if got := mustIncr(t, l, "app_a"); got != want {
			t.Fatalf("Incr = %d; want %d", got, want)
		}
	}
	if got := mustIncr(t, l, "app_b"); got != 1 {
		t.Errorf("another key: %d; want 1", got)
	}
	clk.Set(time.Date(2026, 3, 2, 0, 0, 1, 0, beijing))
	if got := mustIncr(t, l, "app_a"); got != 1 {
		t.Errorf("after midnight in Beijing: %d; want a fresh count of 1", got)
	}
}

func TestLocalIsExactUnderConcurrency(t *testing.T) {
	l := quota.NewLocal(quota.Calendar{}, 0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				if _, err := l.Incr(t.Context(), "k"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := mustIncr(t, l, "k"); got != 4001 {
		t.Errorf("count after 4000 concurrent increments = %d; want 4001", got)
	}
}

func TestRedisIsSharedAndExpires(t *testing.T) {
	srv := redistest.Start(t)
	clk := newClock(time.Date(2026, 3, 1, 12, 0, 0, 0, beijing))
	counters := make([]*quota.Redis, 2) // two gateway instances
	var client *redis.Client
	for i := range counters {
		c1 := redis.NewClient(&redis.Options{Addr: srv.Addr})
		t.Cleanup(func() { _ = c1.Close() })
		client = c1
		c, err := quota.NewRedis(quota.RedisConfig{Client: c1, Calendar: calendar(clk)})
		if err != nil {
			t.Fatal(err)
		}
		counters[i] = c
	}
	for i := range 4 {
		if got := mustIncr(t, counters[i%2], "app_a"); got != int64(i+1) {
			t.Fatalf("increment %d on instance %d: %d; want %d", i, i%2, got, i+1)
		}
	}
	ttl, err := client.TTL(t.Context(), "gatewaylab:quota:20260301:app_a").Result()
	if err != nil || ttl <= 47*time.Hour {
		t.Errorf("TTL = %v, %v; want about 48h", ttl, err)
	}
	clk.Set(time.Date(2026, 3, 2, 0, 0, 0, 0, beijing))
	if got := mustIncr(t, counters[0], "app_a"); got != 1 {
		t.Errorf("next day: %d; want 1", got)
	}
}
