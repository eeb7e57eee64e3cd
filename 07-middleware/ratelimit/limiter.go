// Package ratelimit limits request rates (限流) with token buckets: each key (a route, a
// client IP, an app, a header value) has a bucket of Burst tokens that refills at Rate
// tokens per second, and each request takes one. A request that finds the bucket empty
// gets 429 Too Many Requests with Retry-After and the IETF RateLimit / RateLimit-Policy
// fields, never the course's "200 rate limit:1,2".
//
// The decision is behind the Limiter interface so the same middleware runs with the
// in-process Local limiter (golang.org/x/time/rate buckets in a bounded LRU) or the
// cluster-wide Redis limiter of package redislimit, and so the gRPC interceptors of a
// later stage can call Allow without any HTTP.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Policy is a token bucket: Rate tokens per second, at most Burst stored.
type Policy struct {
	// Rate is the sustained number of requests allowed per second (may be < 1: 0.5 is one
	// request every two seconds).
	Rate float64
	// Burst is how many requests may arrive at once after the key has been idle.
	Burst int
}

// ErrInvalidPolicy reports a Policy that cannot describe a bucket.
var ErrInvalidPolicy = errors.New("invalid rate limit policy")

// Validate reports whether p describes a usable bucket.
func (p Policy) Validate() error {
	if !(p.Rate > 0) || math.IsInf(p.Rate, 0) {
		return fmt.Errorf("%w: Rate must be a positive number, got %v", ErrInvalidPolicy, p.Rate)
	}
	if p.Burst < 1 {
		return fmt.Errorf("%w: Burst must be at least 1, got %d", ErrInvalidPolicy, p.Burst)
	}
	return nil
}

// Window is how long an empty bucket takes to fill up: after that much idle time a key's
// bucket is full, so forgetting it changes nothing.
func (p Policy) Window() time.Duration {
	return time.Duration(float64(p.Burst) / p.Rate * float64(time.Second))
}

// Interval is the time one token takes to come back.
func (p Policy) Interval() time.Duration {
	return time.Duration(float64(time.Second) / p.Rate)
}

// Decision is the outcome of one Allow call.
type Decision struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// Limit is the policy's Burst, for the RateLimit-Policy field.
	Limit int
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// RetryAfter is how long to wait before a request can succeed (zero when Allowed).
	RetryAfter time.Duration
	// ResetAfter is how long until the bucket is full again.
	ResetAfter time.Duration
}

// Limiter decides whether the request identified by key may proceed under policy p.
// Implementations must be safe for concurrent use.
//
// A non-nil error means the limiter could not decide normally (Redis unreachable): the
// returned Decision is then the configured degraded answer (allow for fail-open, deny
// for fail-closed) and callers apply it as well as reporting the error.
type Limiter interface {
	Allow(ctx context.Context, key string, p Policy) (Decision, error)
}

// DecisionFromTokens builds a Decision from the tokens left in a bucket after the attempt
// (tokens may be negative or fractional). Limiter implementations share it so that local
// and Redis answers read the same.
func DecisionFromTokens(p Policy, allowed bool, tokens float64) Decision {
	d := Decision{Allowed: allowed, Limit: p.Burst, Remaining: max(int(math.Floor(tokens)), 0)}
	missing := float64(p.Burst) - tokens
	d.ResetAfter = secondsToDuration(missing / p.Rate)
	if !allowed {
		d.RetryAfter = secondsToDuration((1 - tokens) / p.Rate)
	}
	return d
}

func secondsToDuration(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(s * float64(time.Second)))
}
