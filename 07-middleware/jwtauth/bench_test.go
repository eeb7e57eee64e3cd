package jwtauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/jwtauth"
)

func BenchmarkJWT(b *testing.B) {
	k := keys()
	for _, tc := range []struct {
		name   string
		method jwt.SigningMethod
		kid    string
		key    any
	}{
		{"HS256", jwt.SigningMethodHS256, "hs", k.hs},
		{"RS256", jwt.SigningMethodRS256, "rs", k.rsa},
		{"ES256", jwt.SigningMethodES256, "es", k.ec},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h, err := jwtauth.New(benchutil.OK, jwtauth.Config{Verifier: newVerifier(b)})
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Authorization", "Bearer "+sign(b, tc.method, tc.kid, claims(), tc.key))
			benchutil.Run(b, h, func() *http.Request { return r }, 200)
		})
	}
}
