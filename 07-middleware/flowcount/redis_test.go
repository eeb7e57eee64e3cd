package flowcount_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/quota"
)

// clock is a settable clock shared by the stats, the flushers and the reader.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

var beijing = time.FixedZone("CST", 8*3600)

func client(tb testing.TB, addr string) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// instance is one gateway: its own stats and flusher on its own client.
func instance(tb testing.TB, addr string, cal quota.Calendar) (*flowcount.Stats, *flowcount.Flusher) {
	tb.Helper()
	s := newStats(tb, flowcount.StatsConfig{Calendar: cal})
	f, err := flowcount.NewFlusher(flowcount.FlusherConfig{
		RedisConfig: flowcount.RedisConfig{Client: client(tb, addr), Calendar: cal},
		Stats:       s,
		Logger:      discard(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s, f
}

func flush(tb testing.TB, f *flowcount.Flusher) {
	tb.Helper()
	if err := f.Flush(tb.Context()); err != nil {
		tb.Fatal(err)
	}
}

func TestTwoInstancesFlushIntoOneClusterCount(t *testing.T) {
	srv := redistest.Start(t)
	clk := &clock{}
	clk.Set(time.Date(2026, 3, 1, 9, 30, 0, 0, beijing))
	cal := quota.Calendar{Location: beijing, Now: clk.Now}
	sA, fA := instance(t, srv.Addr, cal)
	sB, fB := instance(t, srv.Addr, cal)
	add := func(s *flowcount.Stats, n int) {
		for range n {
			s.Add("service:orders")
		}
	}

	add(sA, 3)
	add(sB, 4)
	flush(t, fA)
	flush(t, fB)
	flush(t, fA) // nothing new: must not count again
	clk.Set(time.Date(2026, 3, 1, 10, 5, 0, 0, beijing))
	add(sA, 5)
	flush(t, fA)

	reader, err := flowcount.NewReader(flowcount.RedisConfig{Client: client(t, srv.Addr), Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	today, yesterday, err := reader.TodayAndYesterday(t.Context(), "service:orders")
	if err != nil {
		t.Fatal(err)
	}
	if today[9] != 7 || today[10] != 5 || today[11] != 0 || yesterday != ([24]int64{}) {
		t.Errorf("today %v yesterday %v; want 7 at 09h, 5 at 10h, nothing else", today, yesterday)
	}
	day, err := reader.Day(t.Context(), "service:orders", clk.Now().In(beijing))
	if err != nil || day != 12 {
		t.Errorf("Day = %d, %v; want 12", day, err)
	}
	ttl, err := client(t, srv.Addr).TTL(t.Context(), "gatewaylab:flow:hour:2026030110:service:orders").Result()
	if err != nil || ttl < 47*time.Hour {
		t.Errorf("hour key TTL = %v, %v; want about 48h", ttl, err)
	}
}

func TestFailedFlushIsRetriedInFull(t *testing.T) {
	srv := redistest.Start(t)
	cal := quota.Calendar{Location: beijing}
	s, f := instance(t, srv.Addr, cal)
	for range 5 {
		s.Add("total")
	}
	srv.Stop()
	if err := f.Flush(t.Context()); err == nil {
		t.Fatal("Flush with Redis down succeeded")
	}
	s.Add("total")
	srv.Restart()
	flush(t, f)
	reader, err := flowcount.NewReader(flowcount.RedisConfig{Client: client(t, srv.Addr), Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := reader.Day(t.Context(), "total", cal.Time()); err != nil || n != 6 {
		t.Errorf("Day = %d, %v; want all 6 requests after the retry", n, err)
	}
}

func TestRunFlushesOnShutdown(t *testing.T) {
	srv := redistest.Start(t)
	cal := quota.Calendar{Location: beijing}
	s, err := flowcount.NewStats(flowcount.StatsConfig{Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	f, err := flowcount.NewFlusher(flowcount.FlusherConfig{
		RedisConfig: flowcount.RedisConfig{Client: client(t, srv.Addr), Calendar: cal},
		Stats:       s,
		Interval:    time.Hour, // no tick during the test: only the final flush can write
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { f.Run(ctx) })
	s.Add("total")
	cancel()
	wg.Wait() // Run has returned: no goroutine left behind
	reader, err := flowcount.NewReader(flowcount.RedisConfig{Client: client(t, srv.Addr), Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := reader.Day(t.Context(), "total", cal.Time()); err != nil || n != 1 {
		t.Errorf("Day = %d, %v; want the final flush to have sent 1", n, err)
	}
}
