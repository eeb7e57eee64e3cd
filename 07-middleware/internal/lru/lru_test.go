package lru

import (
	"strconv"
	"sync"
	"testing"
)

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := New[int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	if _, ok := c.Get("a"); !ok { // a is now more recent than b
		t.Fatal("Get(a) missing")
	}
	c.Put("c", 3)
	if _, ok := c.Get("b"); ok {
		t.Error("b survived; want it evicted as least recently used")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s evicted; want kept", k)
		}
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d; want 2", c.Len())
	}
}

func TestGetOrAddDropsStaleFirst(t *testing.T) {
	c := New[int](10)
	c.GetOrAdd("idle", func() int { return -1 }, nil)
	c.GetOrAdd("busy", func() int { return 1 }, nil)
	stale := func(v int) bool { return v < 0 }
	c.GetOrAdd("new", func() int { return 2 }, stale)
	if _, ok := c.Get("idle"); ok {
		t.Error("stale entry kept")
	}
	if got := c.GetOrAdd("busy", func() int { return 99 }, stale); got != 1 {
		t.Errorf("GetOrAdd(existing) = %d; want the stored 1", got)
	}
}

func TestShardedIsBoundedUnderConcurrency(t *testing.T) {
	s := NewSharded[int](8, 64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				key := strconv.Itoa(g*1000 + i)
				s.Shard(key).GetOrAdd(key, func() int { return i }, nil)
			}
		})
	}
	wg.Wait()
	if n := s.Len(); n > 64 || n == 0 {
		t.Errorf("Len = %d; want 1..64", n)
	}
}
