package grpcmw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
)

// ClientIP resolves the caller's address once, by the trusted-proxy rules (a nil trust
// believes only the TCP peer), for the checks after it. Put it first.
func ClientIP(trust *forwarded.Trust) Check {
	return func(r *http.Request) (context.Context, error) {
		return clientip.WithAddr(r.Context(), trust.ClientIP(r)), nil
	}
}

// IPFilter refuses callers whose address f does not allow, with PermissionDenied.
func IPFilter(f *ipfilter.Filter) Check {
	return func(r *http.Request) (context.Context, error) {
		if !f.Allowed(clientip.FromRequest(r)) {
			return nil, status.Error(codes.PermissionDenied, "client address not allowed")
		}
		return r.Context(), nil
	}
}

// JWT admits calls whose "authorization" metadata is "Bearer <token>" with a token v
// accepts and every scope in scopes. The caller's identity (Subject = "sub") goes in
// the context. Refusals: Unauthenticated for a missing or bad token, PermissionDenied
// for a missing scope.
func JWT(v *jwtauth.Verifier, scopes ...string) Check {
	return func(r *http.Request) (context.Context, error) {
		claims, err := verify(v, r)
		if err != nil {
			return nil, err
		}
		for _, s := range scopes {
			if !claims.HasScope(s) {
				return nil, status.Error(codes.PermissionDenied, "insufficient scope")
			}
		}
		return identity.With(r.Context(), identity.Identity{Subject: claims.Subject, Method: "jwt"}), nil
	}
}

// Apps admits calls carrying an app token (from 07's token endpoint) of an app that
// exists, calls from an allowed network and is within its rate and daily quota. The
// app goes in the context (identity.App), for per-app limits and counts.
func Apps(v *jwtauth.Verifier, g *apps.Gate) Check {
	return func(r *http.Request) (context.Context, error) {
		claims, err := verify(v, r)
		if err != nil {
			return nil, err
		}
		app, err := g.Admit(r.Context(), claims.Subject, clientip.FromRequest(r))
		if err != nil {
			return nil, appRefusal(err)
		}
		return identity.With(r.Context(), identity.Identity{App: app.ID, Subject: claims.Subject, Method: "app"}), nil
	}
}

// verify checks the bearer token; the refusal says only what the caller may know.
func verify(v *jwtauth.Verifier, r *http.Request) (*jwtauth.Claims, error) {
	token, _ := jwtauth.BearerToken(r)
	claims, err := v.Verify(token)
	switch {
	case err == nil:
		return claims, nil
	case errors.Is(err, jwtauth.ErrMissingToken):
		return nil, status.Error(codes.Unauthenticated, "missing bearer token")
	default:
		return nil, status.Error(codes.Unauthenticated, "invalid token")
	}
}

// appRefusal maps apps.Gate's errors to codes: the one place that does.
func appRefusal(err error) error {
	var le *apps.LimitError
	switch {
	case errors.Is(err, apps.ErrUnknownApp):
		return status.Error(codes.Unauthenticated, "invalid token")
	case errors.Is(err, apps.ErrIPNotAllowed):
		return status.Error(codes.PermissionDenied, "client address not allowed for this app")
	case errors.As(err, &le) && errors.Is(err, apps.ErrLimitUnavailable):
		return retryLater(codes.Unavailable, "limit store unavailable", le.RetryAfter)
	case errors.As(err, &le):
		return retryLater(codes.ResourceExhausted, le.Err.Error(), le.RetryAfter)
	default:
		return status.Error(codes.Internal, "internal error")
	}
}

// RateLimit refuses calls over policy p, one token bucket per key (07's KeyFuncs:
// ratelimit.ByClientIP, ByApp, ByConstant, ByHeader on metadata, Compose). Calls for
// which key does not apply pass. Over the limit: ResourceExhausted with a RetryInfo;
// a limiter that cannot decide and is configured to fail closed: Unavailable.
func RateLimit(l ratelimit.Limiter, p ratelimit.Policy, key ratelimit.KeyFunc) (Check, error) {
	if l == nil || key == nil {
		return nil, errors.New("grpcmw: rate limit needs a limiter and a key")
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("grpcmw: %w", err)
	}
	return func(r *http.Request) (context.Context, error) {
		k, ok := key(r)
		if !ok {
			return r.Context(), nil
		}
		d, err := l.Allow(r.Context(), k, p)
		switch {
		case d.Allowed:
			return r.Context(), nil
		case err != nil:
			return nil, retryLater(codes.Unavailable, "rate limiter unavailable", d.RetryAfter)
		default:
			return nil, retryLater(codes.ResourceExhausted, "rate limit exceeded", d.RetryAfter)
		}
	}, nil
}

// FlowCount adds each call to the counters names pick (07's flowcount.Constant,
// Service, App...). Placed before the limiters it counts refused calls too, as the
// HTTP middleware does.
func FlowCount(s *flowcount.Stats, names ...flowcount.NameFunc) Check {
	return func(r *http.Request) (context.Context, error) {
		for _, name := range names {
			if n, ok := name(r); ok {
				s.Add(n)
			}
		}
		return r.Context(), nil
	}
}

// retryLater is a refusal with a RetryInfo detail, gRPC's Retry-After.
func retryLater(code codes.Code, msg string, after time.Duration) error {
	st := status.New(code, msg)
	if after <= 0 {
		return st.Err()
	}
	detailed, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(after)})
	if err != nil {
		return st.Err()
	}
	return detailed.Err()
}
