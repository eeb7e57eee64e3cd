package jwtauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/reply"
)

// Config configures the middleware.
type Config struct {
	// Verifier checks the tokens. Required.
	Verifier *Verifier
	// Realm names the protected area in WWW-Authenticate (default "gateway").
	Realm string
	// RequiredScopes must all be in the token's scope, or the answer is 403.
	RequiredScopes []string
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns a middleware that admits requests carrying a valid bearer token. It
// stores the claims (ClaimsFrom) and the caller's identity (package identity, Subject
// = "sub") in the request context.
//
//   - no token, or a token that fails verification: 401 with WWW-Authenticate;
//   - a valid token without every RequiredScope: 403 insufficient_scope.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Verifier == nil {
		return nil, errors.New("jwtauth: Verifier is required")
	}
	realm, err := Realm(cfg.Realm)
	if err != nil {
		return nil, fmt.Errorf("jwtauth: Realm %w", err)
	}
	cfg.Realm = realm
	return &middleware{next: next, cfg: cfg}, nil
}

// Realm checks a WWW-Authenticate realm from config ("" becomes "gateway"): it is
// written inside quotes, so quotes, backslashes and newlines are refused.
func Realm(realm string) (string, error) {
	if realm == "" {
		return "gateway", nil
	}
	if strings.ContainsAny(realm, "\"\\\r\n") {
		return "", fmt.Errorf("%q: quotes, backslashes and newlines are not allowed", realm)
	}
	return realm, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, _ := BearerToken(r)
	claims, err := m.cfg.Verifier.Verify(token)
	if err != nil {
		Unauthorized(w, m.cfg.Realm, err)
		return
	}
	for _, s := range m.cfg.RequiredScopes {
		if !claims.HasScope(s) {
			forbidScope(w, m.cfg.Realm, m.cfg.RequiredScopes)
			return
		}
	}
	ctx := context.WithValue(r.Context(), claimsKey{}, claims)
	ctx = identity.With(ctx, identity.Identity{Subject: claims.Subject, Method: "jwt"})
	m.next.ServeHTTP(w, r.WithContext(ctx))
}

type claimsKey struct{}

// ClaimsFrom returns the verified claims stored by the middleware.
func ClaimsFrom(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok
}

// BearerToken extracts the token from "Authorization: Bearer <token>" (the scheme is
// case-insensitive, RFC 9110 section 11.1).
func BearerToken(r *http.Request) (string, bool) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		// Authorization holds one credential (RFC 9110 section 11.6.2). With two, which
		// one a proxy in front of the gateway, or the upstream behind it, reads is
		// anybody's guess: none is accepted.
		return "", false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// Unauthorized writes 401 with the RFC 6750 challenge for err: no error code when no
// token was sent, invalid_token otherwise. The description is generic on purpose;
// details belong in logs, not in answers to whoever is probing.
func Unauthorized(w http.ResponseWriter, realm string, err error) {
	challenge := fmt.Sprintf("Bearer realm=%q", realm)
	msg := "missing bearer token"
	if !errors.Is(err, ErrMissingToken) {
		msg = describe(err)
		challenge += fmt.Sprintf(", error=\"invalid_token\", error_description=%q", msg)
	}
	w.Header().Set("WWW-Authenticate", challenge)
	reply.Error(w, http.StatusUnauthorized, msg)
}

func describe(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	default:
		return "invalid token"
	}
}

func forbidScope(w http.ResponseWriter, realm string, scopes []string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer realm=%q, error=\"insufficient_scope\", scope=%q", realm, strings.Join(scopes, " ")))
	reply.Error(w, http.StatusForbidden, "insufficient scope")
}
