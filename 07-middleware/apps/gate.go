package apps

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"gatewaylab/07-middleware/quota"
	"gatewaylab/07-middleware/ratelimit"
)

// Errors returned by Admit.
var (
	ErrUnknownApp       = errors.New("unknown app")
	ErrIPNotAllowed     = errors.New("client address not allowed for this app")
	ErrRateLimited      = errors.New("app rate limit exceeded")
	ErrQuotaExceeded    = errors.New("app daily quota exceeded")
	ErrLimitUnavailable = errors.New("app limit store unavailable")
)

// LimitError is a refusal the caller may retry later.
type LimitError struct {
	Err        error // ErrRateLimited, ErrQuotaExceeded or ErrLimitUnavailable
	RetryAfter time.Duration
	Cause      error // the store's error, for ErrLimitUnavailable
}

func (e *LimitError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%v: %v", e.Err, e.Cause)
	}
	return e.Err.Error()
}

// Unwrap makes errors.Is(err, ErrRateLimited) and friends work.
func (e *LimitError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// GateConfig configures a Gate.
type GateConfig struct {
	// Registry holds the apps. Required.
	Registry *Registry
	// Limiter enforces each app's QPS over all its clients (default: a Local limiter;
	// use redislimit for one limit across the cluster).
	Limiter ratelimit.Limiter
	// Quota counts daily requests (default: quota.NewLocal in Calendar's zone; use
	// quota.NewRedis across the cluster).
	Quota quota.Counter
	// Calendar is the zone daily quotas reset in (default time.Local).
	Calendar quota.Calendar
	// QuotaFailClosed refuses requests when Quota errors (default: allow them).
	QuotaFailClosed bool
}

// Gate admits an authenticated app's request: the app must exist now, call from an
// allowed network, be under its QPS and under its daily quota. It has no HTTP in it;
// the HTTP middleware and the gRPC interceptors both call Admit.
type Gate struct {
	cfg GateConfig
}

// NewGate returns a Gate.
func NewGate(cfg GateConfig) (*Gate, error) {
	if cfg.Registry == nil {
		return nil, errors.New("apps: gate Registry is required")
	}
	if cfg.Limiter == nil {
		cfg.Limiter = ratelimit.NewLocal(ratelimit.LocalConfig{})
	}
	if cfg.Quota == nil {
		cfg.Quota = quota.NewLocal(cfg.Calendar, 0)
	}
	return &Gate{cfg: cfg}, nil
}

// Admit decides on one request of app id from client address ip. Only requests that
// pass the rate limit are counted against the daily quota.
func (g *Gate) Admit(ctx context.Context, id string, ip netip.Addr) (App, error) {
	e, ok := g.cfg.Registry.get(id)
	if !ok {
		return App{}, fmt.Errorf("%w %q", ErrUnknownApp, id)
	}
	if e.allowed != nil && !e.allowed.Allowed(ip) {
		return App{}, fmt.Errorf("%w: %s", ErrIPNotAllowed, ip)
	}
	if err := g.checkRate(ctx, e); err != nil {
		return App{}, err
	}
	if err := g.checkQuota(ctx, e); err != nil {
		return App{}, err
	}
	return e.App, nil
}

func (g *Gate) checkRate(ctx context.Context, e *entry) error {
	if e.policy.Rate == 0 {
		return nil
	}
	d, err := g.cfg.Limiter.Allow(ctx, "app:"+e.ID, e.policy)
	switch {
	case d.Allowed:
		return nil
	case err != nil:
		return &LimitError{Err: ErrLimitUnavailable, RetryAfter: d.RetryAfter, Cause: err}
	default:
		return &LimitError{Err: ErrRateLimited, RetryAfter: d.RetryAfter}
	}
}

func (g *Gate) checkQuota(ctx context.Context, e *entry) error {
	if e.DailyQuota == 0 {
		return nil
	}
	n, err := g.cfg.Quota.Incr(ctx, "app:"+e.ID)
	if err != nil {
		if g.cfg.QuotaFailClosed {
			return &LimitError{Err: ErrLimitUnavailable, RetryAfter: time.Second, Cause: err}
		}
		return nil
	}
	if n > e.DailyQuota {
		return &LimitError{Err: ErrQuotaExceeded, RetryAfter: g.cfg.Calendar.UntilTomorrow()}
	}
	return nil
}
