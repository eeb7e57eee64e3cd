package jwtauth_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/jwtauth"
)

func TestMiddlewareStatuses(t *testing.T) {
	srv := testhttp.Serve(t, testhttp.Build(t, jwtauth.New, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.From(r.Context())
		_, _ = io.WriteString(w, "hello "+id.Subject)
	}), jwtauth.Config{Verifier: newVerifier(t), RequiredScopes: []string{"orders:read"}}))
	k := keys()
	noScope := claims()
	noScope.Scope = "billing:read"

	tests := []struct {
		name          string
		authorization string
		wantStatus    int
		wantChallenge string
		wantBody      string
	}{
		{"no token", "", 401, `Bearer realm="gateway"`, "missing bearer token\n"},
		{"basic credentials are not a bearer token", "Basic YTpi", 401, `Bearer realm="gateway"`, "missing bearer token\n"},
		{"invalid token", "Bearer not.a.jwt", 401, `Bearer realm="gateway", error="invalid_token", error_description="invalid token"`, "invalid token\n"},
		{"valid token without the scope", "Bearer " + sign(t, jwt.SigningMethodHS256, "hs", noScope, k.hs), 403,
			`Bearer realm="gateway", error="insufficient_scope", scope="orders:read"`, "insufficient scope\n"},
		{"valid token", "bearer " + sign(t, jwt.SigningMethodHS256, "hs", claims(), k.hs), 200, "", "hello alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h http.Header
			if tt.authorization != "" {
				h = http.Header{"Authorization": {tt.authorization}}
			}
			r := testhttp.Get(t, srv.URL, h)
			if r.Status != tt.wantStatus || r.Header.Get("WWW-Authenticate") != tt.wantChallenge || r.Body != tt.wantBody {
				t.Errorf("got %d %q %q; want %d %q %q", r.Status, r.Header.Get("WWW-Authenticate"), r.Body,
					tt.wantStatus, tt.wantChallenge, tt.wantBody)
			}
		})
	}
}
