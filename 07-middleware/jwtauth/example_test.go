package jwtauth_test

import (
	"errors"
	"fmt"
	"time"

	"gatewaylab/07-middleware/jwtauth"
)

// Issue a token and verify it; a token for another audience is refused.
func Example() {
	secret := []byte("example-only-secret-32-bytes-long!") // from config in real use
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	signer, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key:    jwtauth.SigningKey{ID: "k1", Algorithm: jwtauth.HS256, Secret: secret},
		Issuer: "gatewaylab", Audience: "orders", Now: now,
	})
	if err != nil {
		panic(err)
	}
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{ID: "k1", Algorithm: jwtauth.HS256, Secret: secret}},
		Issuer: "gatewaylab", Audience: "orders", Now: now,
	})
	if err != nil {
		panic(err)
	}
	token, _, err := signer.Sign("app_a", "")
	if err != nil {
		panic(err)
	}
	claims, err := verifier.Verify(token)
	fmt.Println(claims.Subject, err)

	other, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys:   []jwtauth.Key{{ID: "k1", Algorithm: jwtauth.HS256, Secret: secret}},
		Issuer: "gatewaylab", Audience: "billing", Now: now,
	})
	if err != nil {
		panic(err)
	}
	_, err = other.Verify(token)
	fmt.Println(errors.Is(err, jwtauth.ErrInvalidToken), err)
	// Output:
	// app_a <nil>
	// true invalid token: token has invalid claims: token has invalid audience
}
