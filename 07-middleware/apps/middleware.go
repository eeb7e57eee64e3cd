package apps

import (
	"errors"
	"fmt"
	"net/http"

	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/jwtauth"
)

// Config configures the app middleware.
type Config struct {
	// Verifier checks the app tokens the token endpoint issued. Required.
	Verifier *jwtauth.Verifier
	// Gate applies the app's limits. Required.
	Gate *Gate
	// Realm names the protected area in WWW-Authenticate (default "gateway").
	Realm string
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns a middleware admitting requests with a valid app token. The app is put in
// the request context (package identity, App = app id), for per-app flow counting,
// rate limits and logs. Answers: 401 for a missing or invalid token or an app that no
// longer exists, 403 for a client address the app may not use, 429 over the app's QPS
// or daily quota (with Retry-After), 503 when the limit store is down and fail-closed.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Verifier == nil || cfg.Gate == nil {
		return nil, errors.New("apps: middleware needs Verifier and Gate")
	}
	realm, err := jwtauth.Realm(cfg.Realm)
	if err != nil {
		return nil, fmt.Errorf("apps: Realm %w", err)
	}
	cfg.Realm = realm
	return &middleware{next: next, cfg: cfg}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, _ := jwtauth.BearerToken(r)
	claims, err := m.cfg.Verifier.Verify(token)
	if err != nil {
		jwtauth.Unauthorized(w, m.cfg.Realm, err)
		return
	}
	app, err := m.cfg.Gate.Admit(r.Context(), claims.Subject, clientip.FromRequest(r))
	if err != nil {
		m.refuse(w, err)
		return
	}
	ctx := identity.With(r.Context(), identity.Identity{App: app.ID, Subject: claims.Subject, Method: "app"})
	m.next.ServeHTTP(w, r.WithContext(ctx))
}

// refuse maps Admit's errors to statuses: the one place that does.
func (m *middleware) refuse(w http.ResponseWriter, err error) {
	var le *LimitError
	switch {
	case errors.Is(err, ErrUnknownApp):
		jwtauth.Unauthorized(w, m.cfg.Realm, err)
	case errors.Is(err, ErrIPNotAllowed):
		reply.Error(w, http.StatusForbidden, "client address not allowed for this app")
	case errors.As(err, &le) && errors.Is(err, ErrLimitUnavailable):
		reply.RetryAfter(w.Header(), le.RetryAfter)
		reply.Error(w, http.StatusServiceUnavailable, "limit store unavailable")
	case errors.As(err, &le):
		reply.RetryAfter(w.Header(), le.RetryAfter)
		reply.Error(w, http.StatusTooManyRequests, le.Err.Error())
	default:
		reply.Error(w, http.StatusInternalServerError, "internal error")
	}
}
