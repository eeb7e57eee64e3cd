package ratelimit

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"gatewaylab/07-middleware/internal/reply"
)

// Config configures the rate-limit middleware.
type Config struct {
	// Name identifies the limit in the RateLimit headers, in logs, and namespaces its keys
	// in a shared Limiter ("svc-orders-ip"). Required; printable ASCII without quotes.
	Name string
	// Policy is the bucket every key gets. Required.
	Policy Policy
	// Key picks the bucket (default ByConstant(Name): one bucket for the route).
	Key KeyFunc
	// Limiter decides (default: a new Local limiter of its own).
	Limiter Limiter
	// Logger receives limiter errors such as Redis being unreachable (default slog.Default()).
	Logger *slog.Logger
}

type limiter struct {
	next    http.Handler
	cfg     Config
	policyV []string // the RateLimit-Policy header, the same on every response (never edited in place)
	rateP   string   // the RateLimit value's constant prefix: the quoted name and ";r="
}

// New returns a middleware that answers 429 when Key's bucket is empty. Every response
// carries RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers). When the
// Limiter reports an error, its degraded Decision is applied: a fail-closed denial is
// 503 Service Unavailable, because the limit is not known to be exceeded.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if err := validName(cfg.Name); err != nil {
		return nil, fmt.Errorf("ratelimit: Name: %w", err)
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("ratelimit %s: Policy: %w", cfg.Name, err)
	}
	if cfg.Key == nil {
		cfg.Key = ByConstant(cfg.Name)
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLocal(LocalConfig{})
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	policyH := fmt.Sprintf("%q;q=%d;w=%d", cfg.Name, cfg.Policy.Burst, reply.Seconds(cfg.Policy.Window()))
	return &limiter{next: next, cfg: cfg, policyV: []string{policyH}, rateP: strconv.Quote(cfg.Name) + ";r="}, nil
}

func (l *limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := l.cfg.Key(r)
	if !ok {
		l.next.ServeHTTP(w, r)
		return
	}
	d, err := l.cfg.Limiter.Allow(r.Context(), l.cfg.Name+":"+key, l.cfg.Policy)
	if err != nil {
		l.cfg.Logger.Warn("rate limiter degraded", "limit", l.cfg.Name, "allowed", d.Allowed, "err", err)
	}
	l.setHeaders(w.Header(), d)
	switch {
	case d.Allowed:
		l.next.ServeHTTP(w, r)
	case err != nil:
		reply.RetryAfter(w.Header(), d.RetryAfter)
		reply.Error(w, http.StatusServiceUnavailable, "rate limiter unavailable")
	default:
		reply.RetryAfter(w.Header(), d.RetryAfter)
		reply.Error(w, http.StatusTooManyRequests, "rate limit exceeded")
	}
}

func (l *limiter) setHeaders(h http.Header, d Decision) {
	h["Ratelimit-Policy"] = l.policyV // canonical form of RateLimit-Policy
	var buf [96]byte                  // the value is built on the stack: one allocation, the string
	b := append(buf[:0], l.rateP...)
	b = strconv.AppendInt(b, int64(d.Remaining), 10)
	b = append(b, ";t="...)
	b = strconv.AppendInt(b, resetSeconds(d), 10)
	h["Ratelimit"] = []string{string(b)}
}

// resetSeconds is the RateLimit "t": when an empty bucket can serve again, or else when
// it is full.
func resetSeconds(d Decision) int64 {
	if !d.Allowed {
		return reply.Seconds(d.RetryAfter)
	}
	if d.ResetAfter == 0 {
		return 0
	}
	return reply.Seconds(d.ResetAfter)
}

// validName accepts what fits in a structured-field string without escaping.
func validName(s string) error {
	if s == "" {
		return errors.New("required")
	}
	for _, c := range []byte(s) {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("%q: only printable ASCII without quotes or backslashes", s)
		}
	}
	return nil
}
