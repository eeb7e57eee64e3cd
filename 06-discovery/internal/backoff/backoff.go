// Package backoff spaces out retries against a dependency that is down (etcd during a
// restart), so that a fleet of clients does not hammer it the moment it returns.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff doubles its delay after every failure, from Min up to Max, and adds up to 20%
// random jitter so that clients that failed together do not retry together. The zero
// value uses 100 ms and 2 s. It is not safe for concurrent use: each retry loop owns one.
type Backoff struct {
	Min, Max time.Duration
	next     time.Duration
}

// Reset starts the next failure sequence at Min again; call it after a success.
func (b *Backoff) Reset() { b.next = 0 }

// Next returns the delay before the next retry and doubles the following one.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = 100 * time.Millisecond
	}
	if hi < lo {
		hi = max(2*time.Second, lo)
	}
	if b.next < lo {
		b.next = lo
	}
	d := b.next
	b.next = min(2*b.next, hi)
	return d + rand.N(d/5+1)
}

// Wait sleeps for Next, or until ctx ends; it reports whether ctx is still alive.
func (b *Backoff) Wait(ctx context.Context) bool {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
