// Package redislimit is a ratelimit.Limiter shared by every gateway instance: the bucket
// lives in Redis, so N instances enforce one limit instead of N times it (the course's
// limiters were per process, so its three k8s replicas allowed three times the rate).
//
// Each decision is one round trip: a Lua script (GCRA, see gcra.lua) run with EVALSHA,
// falling back to EVAL when Redis has forgotten the script (after a restart). The script
// reads the time from Redis TIME, so the instances' clocks do not matter.
//
// When Redis cannot be reached, each limit chooses: FailOpen lets traffic through
// unlimited (availability first), FailClosed refuses it (protection first).
package redislimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/ratelimit"
)

//go:embed gcra.lua
var gcraSource string

// The script is shared: go-redis keeps its SHA-1 and retries with EVAL on NOSCRIPT.
var gcra = redis.NewScript(gcraSource)

// FailMode is what a limit does when Redis is unreachable.
type FailMode int

const (
	// FailOpen allows requests while Redis is down: the service stays up, unprotected.
	FailOpen FailMode = iota
	// FailClosed refuses requests while Redis is down: the service is protected, and down.
	FailClosed
)

func (m FailMode) String() string {
	if m == FailClosed {
		return "fail-closed"
	}
	return "fail-open"
}

// ErrUnavailable wraps every Redis error returned by Allow.
var ErrUnavailable = errors.New("redis limiter unavailable")

// MaxRate is the highest Rate a Redis policy may have: the script counts in microseconds.
const MaxRate = 1e6

// Config configures a Limiter.
type Config struct {
	// Client is the Redis client (a *redis.Client, *redis.ClusterClient or *redis.Ring).
	// Set ContextTimeoutEnabled on it so that Timeout bounds network waits too. Required.
	Client redis.Scripter
	// Prefix is put before every key (default "gatewaylab:rl:").
	Prefix string
	// FailMode is applied when Redis errors (default FailOpen).
	FailMode FailMode
	// Timeout bounds one decision (default 100ms): a slow Redis must not become a slow
	// gateway. When it expires, FailMode decides.
	Timeout time.Duration
}

// Limiter is a Redis-backed ratelimit.Limiter. It is safe for concurrent use; create one
// per limit so each limit has its own FailMode, all sharing one Client.
type Limiter struct {
	client  redis.Scripter
	prefix  string
	mode    FailMode
	timeout time.Duration
}

// New returns a Limiter.
func New(cfg Config) (*Limiter, error) {
	if cfg.Client == nil {
		return nil, errors.New("redislimit: Client is required")
	}
	if cfg.FailMode != FailOpen && cfg.FailMode != FailClosed {
		return nil, fmt.Errorf("redislimit: FailMode %d is not FailOpen or FailClosed", cfg.FailMode)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "gatewaylab:rl:"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 100 * time.Millisecond
	}
	return &Limiter{client: cfg.Client, prefix: cfg.Prefix, mode: cfg.FailMode, timeout: cfg.Timeout}, nil
}

// Allow takes one token from key's bucket in Redis. On a Redis error it returns the
// FailMode's Decision together with an error wrapping ErrUnavailable.
func (l *Limiter) Allow(ctx context.Context, key string, p ratelimit.Policy) (ratelimit.Decision, error) {
	if err := p.Validate(); err != nil {
		return ratelimit.Decision{}, err
	}
	if p.Rate > MaxRate {
		return ratelimit.Decision{}, fmt.Errorf("%w: Rate %v above %v", ratelimit.ErrInvalidPolicy, p.Rate, MaxRate)
	}
	interval := 1e6 / p.Rate
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	res, err := gcra.Run(ctx, l.client, []string{l.prefix + key},
		strconv.FormatFloat(interval, 'f', -1, 64), p.Burst).Int64Slice()
	if err == nil && len(res) != 2 {
		err = fmt.Errorf("unexpected script reply %v", res)
	}
	if err != nil {
		return l.degraded(p), fmt.Errorf("%w (%s): %w", ErrUnavailable, l.mode, err)
	}
	tokens := float64(p.Burst) - float64(res[1])/interval
	return ratelimit.DecisionFromTokens(p, res[0] == 1, tokens), nil
}

// degraded is the Decision applied while Redis is unreachable.
func (l *Limiter) degraded(p ratelimit.Policy) ratelimit.Decision {
	if l.mode == FailClosed {
		return ratelimit.Decision{Limit: p.Burst, RetryAfter: time.Second}
	}
	return ratelimit.Decision{Allowed: true, Limit: p.Burst}
}

var _ ratelimit.Limiter = (*Limiter)(nil)
