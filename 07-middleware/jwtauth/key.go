// Package jwtauth verifies and issues JSON Web Tokens (RFC 7519) with
// github.com/golang-jwt/jwt/v5, and guards routes with them (权限认证).
//
// What the course got wrong and this package refuses to do:
//   - a signing key in the source ("my_sign_key"): keys come only from config, and an
//     HS256 secret shorter than 32 bytes is rejected;
//   - trusting the token's "alg": every key is pinned to one algorithm, so "alg: none"
//     and the HS256-signed-with-the-RSA-public-key trick are refused;
//   - no audience: iss and aud are required and checked, exp is required, nbf honoured;
//   - 200 with an error message: a missing or bad token is 401 with WWW-Authenticate
//     (RFC 6750), a good token without the right scope is 403.
package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// Supported algorithms.
const (
	HS256 = "HS256"
	RS256 = "RS256"
	ES256 = "ES256"
)

// MinSecretBytes is the shortest HS256 secret accepted (RFC 7518 section 3.2: a key of
// the hash's size, 256 bits).
const MinSecretBytes = 32

// Key is one verification key.
type Key struct {
	// ID is the "kid" tokens name it by. Optional when the Verifier has a single key.
	ID string
	// Algorithm is the one algorithm this key accepts: HS256, RS256 or ES256.
	Algorithm string
	// Secret is the HS256 shared secret (at least 32 bytes).
	Secret []byte
	// PublicKey is the RS256 *rsa.PublicKey (at least 2048 bits) or ES256
	// *ecdsa.PublicKey (P-256).
	PublicKey crypto.PublicKey
}

// verifyKey checks k and returns what jwt needs to verify with it.
func (k Key) verifyKey() (any, error) {
	switch k.Algorithm {
	case HS256:
		if len(k.Secret) < MinSecretBytes {
			return nil, fmt.Errorf("key %q: HS256 Secret must be at least %d bytes, got %d", k.ID, MinSecretBytes, len(k.Secret))
		}
		return k.Secret, nil
	case RS256:
		pub, ok := k.PublicKey.(*rsa.PublicKey)
		if !ok || pub.N.BitLen() < 2048 {
			return nil, fmt.Errorf("key %q: RS256 needs an *rsa.PublicKey of at least 2048 bits", k.ID)
		}
		return pub, nil
	case ES256:
		pub, ok := k.PublicKey.(*ecdsa.PublicKey)
		if !ok || pub.Curve != elliptic.P256() {
			return nil, fmt.Errorf("key %q: ES256 needs a P-256 *ecdsa.PublicKey", k.ID)
		}
		return pub, nil
	default:
		return nil, fmt.Errorf("key %q: Algorithm %q is not HS256, RS256 or ES256", k.ID, k.Algorithm)
	}
}

// ParsePublicKeyPEM reads an RSA or ECDSA public key from a PEM "PUBLIC KEY" block, the
// form `openssl pkey -pubout` writes.
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("jwtauth: no PEM PUBLIC KEY block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("jwtauth: parse public key: %w", err)
	}
	return pub, nil
}
