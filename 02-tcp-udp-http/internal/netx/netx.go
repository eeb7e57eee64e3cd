// Package netx holds the few deadline helpers this module's servers and
// clients share.
package netx

import (
	"context"
	"time"
)

// ALongTimeAgo is a deadline in the past. Setting it on a connection makes
// any blocked Read or Write return at once: the standard way to interrupt
// socket I/O from another goroutine (net/http does the same).
var ALongTimeAgo = time.Unix(1, 0)

// ContextErr is ctx.Err(), except that it also reports DeadlineExceeded once
// ctx's deadline has passed. A socket deadline copied from ctx can fire a
// moment before ctx's own timer does; this keeps the error honest.
func ContextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// Deadline returns now+timeout, or ctx's deadline if that comes first.
func Deadline(ctx context.Context, timeout time.Duration) time.Time {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		return d
	}
	return deadline
}

// Earliest returns the earlier of two deadlines; the zero time means none.
func Earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}

// Setting resolves a configured limit the way every Config and Server in
// this module does, so that the zero value is safe: zero means def, a
// negative value means "no limit" (zero, in net/http's terms), anything else
// is kept.
func Setting[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}
