package ratelimit

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"gatewaylab/07-middleware/internal/lru"
)

// LocalConfig configures a Local limiter.
type LocalConfig struct {
	// MaxKeys caps the number of buckets kept (default 100000, about 15 MB). When full, the
	// least recently used bucket is dropped; see Local for what that means.
	MaxKeys int
	// Now is the clock (default time.Now); tests inject a fixed one.
	Now func() time.Time
}

// DefaultMaxKeys is LocalConfig.MaxKeys when zero.
const DefaultMaxKeys = 100_000

// Local is an in-process Limiter: one golang.org/x/time/rate bucket per key, kept in a
// sharded LRU. Memory is bounded however many keys clients invent:
//
//   - a bucket idle for its policy's Window is full again, so it is dropped the next time
//     a new key needs room; that loses nothing;
//   - when the store is full of active keys, the least recently used one is dropped and
//     that key starts again with a full bucket. Size MaxKeys above the number of keys
//     you expect to be active in one Window so this only happens under attack.
//
// Each gateway instance counts on its own: N instances allow N times the rate. Use
// package redislimit for one limit across the cluster.
type Local struct {
	buckets *lru.Sharded[*bucket]
	now     func() time.Time
}

type bucket struct {
	lim      *rate.Limiter
	policy   Policy       // immutable: a changed policy gets a new bucket
	lastSeen atomic.Int64 // unix nanoseconds
}

// NewLocal returns a Local limiter.
func NewLocal(cfg LocalConfig) *Local {
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = DefaultMaxKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Local{buckets: lru.NewSharded[*bucket](32, cfg.MaxKeys), now: cfg.Now}
}

// Allow takes one token from key's bucket. It never returns an error for a valid policy.
func (l *Local) Allow(_ context.Context, key string, p Policy) (Decision, error) {
	if err := p.Validate(); err != nil {
		return Decision{}, err
	}
	now := l.now()
	b := l.bucket(key, p, now)
	allowed := b.lim.AllowN(now, 1)
	return DecisionFromTokens(p, allowed, b.lim.TokensAt(now)), nil
}

// Len is the number of buckets held.
func (l *Local) Len() int { return l.buckets.Len() }

func (l *Local) bucket(key string, p Policy, now time.Time) *bucket {
	shard := l.buckets.Shard(key)
	stale := func(b *bucket) bool { return now.UnixNano()-b.lastSeen.Load() >= int64(b.policy.Window()) }
	b := shard.GetOrAdd(key, func() *bucket { return newBucket(p) }, stale)
	if b.policy != p { // the policy was reloaded: start this key afresh under the new one
		b = newBucket(p)
		shard.Put(key, b)
	}
	b.lastSeen.Store(now.UnixNano())
	return b
}

func newBucket(p Policy) *bucket {
	return &bucket{lim: rate.NewLimiter(rate.Limit(p.Rate), p.Burst), policy: p}
}

var _ Limiter = (*Local)(nil)
