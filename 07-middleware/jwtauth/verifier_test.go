package jwtauth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/jwtauth"
)

func TestVerify(t *testing.T) {
	v := newVerifier(t)
	k := keys()
	edit := func(f func(*jwtauth.Claims)) jwtauth.Claims { c := claims(); f(&c); return c }
	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"HS256 valid", sign(t, jwt.SigningMethodHS256, "hs", claims(), k.hs), true},
		{"RS256 valid", sign(t, jwt.SigningMethodRS256, "rs", claims(), k.rsa), true},
		{"ES256 valid", sign(t, jwt.SigningMethodES256, "es", claims(), k.ec), true},
		{"expired within leeway", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) {
			c.ExpiresAt = jwt.NewNumericDate(testNow.Add(-10 * time.Second))
		}), k.hs), true},
		{"expired", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) {
			c.ExpiresAt = jwt.NewNumericDate(testNow.Add(-time.Minute))
		}), k.hs), false},
		{"not valid yet", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) {
			c.NotBefore = jwt.NewNumericDate(testNow.Add(time.Minute))
		}), k.hs), false},
		{"no exp", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) { c.ExpiresAt = nil }), k.hs), false},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) {
			c.Audience = jwt.ClaimStrings{"billing-api"}
		}), k.hs), false},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, "hs", edit(func(c *jwtauth.Claims) { c.Issuer = "https://evil.example" }), k.hs), false},
		{"alg none", sign(t, jwt.SigningMethodNone, "hs", claims(), jwt.UnsafeAllowNoneSignatureType), false},
		{"HS256 signed with the RSA public key (algorithm confusion)", sign(t, jwt.SigningMethodHS256, "rs", claims(), k.rsaPEM), false},
		{"RS256 token naming the HS key", sign(t, jwt.SigningMethodRS256, "hs", claims(), k.rsa), false},
		{"signed by a stranger's RSA key", sign(t, jwt.SigningMethodRS256, "rs", claims(), otherRSA), false},
		{"unknown kid", sign(t, jwt.SigningMethodHS256, "old", claims(), k.hs), false},
		{"no kid with several keys", sign(t, jwt.SigningMethodHS256, "", claims(), k.hs), false},
		{"tampered payload", tamper(t, sign(t, jwt.SigningMethodHS256, "hs", claims(), k.hs)), false},
		{"garbage", "not.a.jwt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := v.Verify(tt.token)
			if tt.ok {
				if err != nil || c.Subject != "alice" {
					t.Fatalf("Verify = %v, %v; want alice", c, err)
				}
				return
			}
			if !errors.Is(err, jwtauth.ErrInvalidToken) {
				t.Fatalf("Verify = %v, %v; want ErrInvalidToken", c, err)
			}
		})
	}
}

// tamper rewrites the payload's subject to "admin" and keeps the old signature.
func tamper(tb testing.TB, token string) string {
	tb.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	forged := strings.Replace(string(payload), `"sub":"alice"`, `"sub":"admin"`, 1)
	if forged == string(payload) {
		tb.Fatal("payload had no sub to tamper with")
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(forged))
	return strings.Join(parts, ".")
}

func TestSingleKeyNeedsNoKid(t *testing.T) {
	k := keys()
	v, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{Algorithm: jwtauth.RS256, PublicKey: &k.rsa.PublicKey}},
		Issuer: issuer, Audience: audience, Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(sign(t, jwt.SigningMethodRS256, "", claims(), k.rsa)); err != nil {
		t.Errorf("RS256 without kid on a single-key verifier: %v", err)
	}
	if _, err := v.Verify(sign(t, jwt.SigningMethodHS256, "", claims(), k.rsaPEM)); err == nil {
		t.Error("HS256 token accepted by an RS256-only verifier")
	}
}

func TestSignerVerifierRoundTrip(t *testing.T) {
	k := keys()
	s, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key:    jwtauth.SigningKey{ID: "es", Algorithm: jwtauth.ES256, PrivateKey: k.ec},
		Issuer: issuer, Audience: audience, TTL: time.Minute,
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	token, exp, err := s.Sign("app_a", "orders:read orders:write")
	if err != nil {
		t.Fatal(err)
	}
	c, err := newVerifier(t).Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "app_a" || !c.HasScope("orders:write") || !exp.Equal(testNow.Add(time.Minute)) || c.ID == "" {
		t.Errorf("claims %+v exp %v; want app_a with both scopes, exp in 1m and a jti", c, exp)
	}
}

func TestConfigIsValidated(t *testing.T) {
	k := keys()
	weakRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		keys []jwtauth.Key
		iss  string
		want string
	}{
		{"no keys", nil, issuer, "Keys is required"},
		{"short secret", []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: []byte("my_sign_key")}}, issuer, "at least 32 bytes"},
		{"weak RSA", []jwtauth.Key{{Algorithm: jwtauth.RS256, PublicKey: &weakRSA.PublicKey}}, issuer, "2048"},
		{"EC key labelled RS256", []jwtauth.Key{{Algorithm: jwtauth.RS256, PublicKey: &k.ec.PublicKey}}, issuer, "rsa"},
		{"unsupported alg", []jwtauth.Key{{Algorithm: "none", Secret: k.hs}}, issuer, "not HS256"},
		{"two keys without IDs", []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: k.hs}, {Algorithm: jwtauth.HS256, Secret: k.hs}}, issuer, "needs an ID"},
		{"no issuer", []jwtauth.Key{{Algorithm: jwtauth.HS256, Secret: k.hs}}, "", "Issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{Keys: tt.keys, Issuer: tt.iss, Audience: audience})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewVerifier error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}
