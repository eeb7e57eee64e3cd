package jwtauth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/jwtauth"
)

// testKeys are generated once per test binary: RSA key generation is slow under -race.
type testKeys struct {
	hs     []byte
	rsa    *rsa.PrivateKey
	rsaPEM []byte // the RSA public key as PEM: what an attacker can download
	ec     *ecdsa.PrivateKey
}

var keys = sync.OnceValue(func() testKeys {
	var k testKeys
	k.hs = make([]byte, 32)
	_, _ = rand.Read(k.hs)
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	if err != nil {
		panic(err)
	}
	k.rsaPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	return k
})

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	issuer   = "https://auth.example"
	audience = "orders-api"
)

func newVerifier(tb testing.TB) *jwtauth.Verifier {
	tb.Helper()
	k := keys()
	v, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys: []jwtauth.Key{
			{ID: "hs", Algorithm: jwtauth.HS256, Secret: k.hs},
			{ID: "rs", Algorithm: jwtauth.RS256, PublicKey: &k.rsa.PublicKey},
			{ID: "es", Algorithm: jwtauth.ES256, PublicKey: &k.ec.PublicKey},
		},
		Issuer:   issuer,
		Audience: audience,
		Leeway:   30 * time.Second,
		Now:      func() time.Time { return testNow },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// claims are valid at testNow; edit them to make them invalid.
func claims() jwtauth.Claims {
	return jwtauth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   "alice",
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(testNow.Add(-time.Minute)),
			NotBefore: jwt.NewNumericDate(testNow.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(testNow.Add(time.Hour)),
		},
		Scope: "orders:read",
	}
}

// sign signs c with method under kid using key.
func sign(tb testing.TB, method jwt.SigningMethod, kid string, c jwtauth.Claims, key any) string {
	tb.Helper()
	t := jwt.NewWithClaims(method, c)
	if kid != "" {
		t.Header["kid"] = kid
	}
	s, err := t.SignedString(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
