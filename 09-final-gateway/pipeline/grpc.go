package pipeline

import (
	"fmt"
	"net/http"
	"strings"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/08-grpc-ws/grpcmw"
	"gatewaylab/09-final-gateway/config"
)

// GRPCChecks turns a grpc listener's middleware into stage 08's call checks, in the
// same order as an HTTP route's: client IP, flow count, IP filter, auth, rate limits.
// Refusals come back with gRPC codes (Unauthenticated, PermissionDenied,
// ResourceExhausted, Unavailable).
func (b *Builder) GRPCChecks(l config.Listener) ([]grpcmw.Check, error) {
	trust, err := forwarded.ParseTrust(l.TrustedProxies...)
	if err != nil {
		return nil, err
	}
	checks := []grpcmw.Check{
		grpcmw.ClientIP(trust),
		grpcmw.FlowCount(b.shared.Stats, flowcount.Constant("total"), flowcount.Constant("route:"+l.Name),
			flowcount.Service(l.Service), flowcount.App()),
	}
	m := l.Middleware
	if m == nil {
		return checks, nil
	}
	if m.IP != nil {
		f, err := ipfilter.NewFilter(m.IP.Allow, m.IP.Deny)
		if err != nil {
			return nil, fmt.Errorf("middleware.ip: %w", err)
		}
		checks = append(checks, grpcmw.IPFilter(f))
	}
	if a := m.Auth; a != nil {
		switch {
		case a.Apps != nil && b.auth.gate != nil:
			checks = append(checks, grpcmw.Apps(b.auth.appsV, b.auth.gate))
		case a.JWT != nil:
			v, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{Keys: b.auth.keys, Issuer: b.auth.issuer, Audience: a.JWT.Audience})
			if err != nil {
				return nil, fmt.Errorf("middleware.auth.jwt: %w", err)
			}
			checks = append(checks, grpcmw.JWT(v))
		default:
			return nil, fmt.Errorf("middleware.auth: grpc listeners take jwt or apps")
		}
	}
	for i, rl := range m.RateLimits {
		c, err := b.grpcRateLimit(l, rl)
		if err != nil {
			return nil, fmt.Errorf("middleware.rate_limits[%d]: %w", i, err)
		}
		checks = append(checks, c)
	}
	return checks, nil
}

func (b *Builder) grpcRateLimit(l config.Listener, rl config.RateLimit) (grpcmw.Check, error) {
	var limiter ratelimit.Limiter = b.shared.Local
	if rl.Scope == "cluster" {
		var err error
		if limiter, err = b.shared.clusterLimiter(rl.OnRedisError); err != nil {
			return nil, err
		}
	}
	var key ratelimit.KeyFunc
	switch {
	case rl.Key == "client_ip":
		key = ratelimit.ByClientIP()
	case rl.Key == "app":
		key = ratelimit.ByApp()
	case strings.HasPrefix(rl.Key, "header:"):
		key = ratelimit.ByHeader(strings.TrimPrefix(rl.Key, "header:"))
	default: // route, service: one bucket for the listener
		key = ratelimit.ByConstant(rl.Name)
	}
	return grpcmw.RateLimit(limiter, ratelimit.Policy{Rate: rl.Rate, Burst: rl.Burst}, prefixed(rl.Name, key))
}

// prefixed namespaces a limit's keys by its name, as the HTTP middleware does.
func prefixed(name string, key ratelimit.KeyFunc) ratelimit.KeyFunc {
	return func(r *http.Request) (string, bool) {
		k, ok := key(r)
		return name + ":" + k, ok
	}
}
