// Package lru is a small, bounded, least-recently-used map safe for concurrent use. The
// rate limiter keeps one token bucket per client key in it and the fallback keeps its
// last good responses in it: both are fed by client-controlled keys, so both must have a
// hard cap, or a client sending random keys grows the gateway's memory without limit
// (the course's per-IP limiters were never evicted).
package lru

import (
	"hash/maphash"
	"sync"
)

// Cache maps strings to values and holds at most Max of them; adding one more evicts the
// least recently used. All methods are safe for concurrent use.
type Cache[V any] struct {
	mu    sync.Mutex
	max   int
	items map[string]*node[V]
	root  node[V] // sentinel: root.next is the most recent, root.prev the least recent
}

type node[V any] struct {
	key        string
	value      V
	prev, next *node[V]
}

// New returns a Cache holding at most capacity entries (at least 1).
func New[V any](capacity int) *Cache[V] {
	c := &Cache[V]{max: max(capacity, 1), items: make(map[string]*node[V])}
	c.root.next, c.root.prev = &c.root, &c.root
	return c
}

// Get returns the value for key and marks it as most recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.moveToFront(n)
	return n.value, true
}

// Put stores value under key, evicting the least recently used entry when full.
func (c *Cache[V]) Put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[key]; ok {
		n.value = value
		c.moveToFront(n)
		return
	}
	c.insert(key, value)
}

// GetOrAdd returns the value for key, creating it with create when absent. Before adding,
// it drops up to two least-recently-used entries for which stale reports true (so idle
// entries leave without a sweeper goroutine), then the least recent one if still full.
func (c *Cache[V]) GetOrAdd(key string, create func() V, stale func(V) bool) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[key]; ok {
		c.moveToFront(n)
		return n.value
	}
	for range 2 {
		oldest := c.root.prev
		if oldest == &c.root || stale == nil || !stale(oldest.value) {
			break
		}
		c.remove(oldest)
	}
	v := create()
	c.insert(key, v)
	return v
}

// Remove deletes key if present.
func (c *Cache[V]) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[key]; ok {
		c.remove(n)
	}
}

// Len is the number of entries.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func (c *Cache[V]) insert(key string, value V) {
	if len(c.items) >= c.max {
		c.remove(c.root.prev)
	}
	n := &node[V]{key: key, value: value}
	c.items[key] = n
	c.linkFront(n)
}

func (c *Cache[V]) remove(n *node[V]) {
	n.prev.next, n.next.prev = n.next, n.prev
	delete(c.items, n.key)
}

func (c *Cache[V]) moveToFront(n *node[V]) {
	n.prev.next, n.next.prev = n.next, n.prev
	c.linkFront(n)
}

func (c *Cache[V]) linkFront(n *node[V]) {
	n.prev, n.next = &c.root, c.root.next
	c.root.next.prev = n
	c.root.next = n
}

// Sharded spreads keys over several Caches so that concurrent requests for different
// keys rarely wait on the same mutex.
type Sharded[V any] struct {
	seed   maphash.Seed
	shards []*Cache[V]
}

// NewSharded returns shards Caches sharing a total capacity of entries.
func NewSharded[V any](shards, capacity int) *Sharded[V] {
	shards = max(shards, 1)
	s := &Sharded[V]{seed: maphash.MakeSeed(), shards: make([]*Cache[V], shards)}
	per := (capacity + shards - 1) / shards
	for i := range s.shards {
		s.shards[i] = New[V](per)
	}
	return s
}

// Shard returns the Cache that owns key.
func (s *Sharded[V]) Shard(key string) *Cache[V] {
	return s.shards[maphash.String(s.seed, key)%uint64(len(s.shards))]
}

// Len is the number of entries over all shards.
func (s *Sharded[V]) Len() int {
	n := 0
	for _, c := range s.shards {
		n += c.Len()
	}
	return n
}
