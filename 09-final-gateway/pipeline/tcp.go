package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/09-final-gateway/config"
)

// ErrRefused is returned by a TCP check for a connection the listener's middleware
// refuses.
var ErrRefused = errors.New("connection refused by the listener's middleware")

// TCPCheck turns a tcp listener's middleware into a check of each new connection, in
// the order of an HTTP route's: the IP filter, then the rate limits, one token per
// connection (key client_ip: a bucket per client; any other key: one bucket for the
// listener). A raw TCP stream carries no credentials, so auth is refused by validation.
func (s *Shared) TCPCheck(l config.Listener) (func(ctx context.Context, client netip.Addr) error, error) {
	m := l.Middleware
	if m == nil {
		return func(context.Context, netip.Addr) error { return nil }, nil
	}
	var filter *ipfilter.Filter
	if m.IP != nil {
		f, err := ipfilter.NewFilter(m.IP.Allow, m.IP.Deny)
		if err != nil {
			return nil, fmt.Errorf("middleware.ip: %w", err)
		}
		filter = f
	}
	limiters := make([]ratelimit.Limiter, len(m.RateLimits))
	for i, rl := range m.RateLimits {
		limiters[i] = s.Local
		if rl.Scope == "cluster" {
			cluster, err := s.clusterLimiter(rl.OnRedisError)
			if err != nil {
				return nil, fmt.Errorf("middleware.rate_limits[%d]: %w", i, err)
			}
			limiters[i] = cluster
		}
	}
	return func(ctx context.Context, client netip.Addr) error {
		if filter != nil && !filter.Allowed(client) {
			return fmt.Errorf("%w: ip %s", ErrRefused, client)
		}
		for i, rl := range m.RateLimits {
			key := rl.Name + ":" + l.Name
			if rl.Key == "client_ip" {
				key = rl.Name + ":" + client.String()
			}
			d, err := limiters[i].Allow(ctx, key, ratelimit.Policy{Rate: rl.Rate, Burst: rl.Burst})
			if !d.Allowed {
				return fmt.Errorf("%w: rate limit %s (%v)", ErrRefused, rl.Name, err)
			}
		}
		return nil
	}, nil
}
