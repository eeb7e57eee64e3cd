// Package secret creates and checks machine secrets: app secrets for the token endpoint
// and API keys. Only a hash is stored at rest, and checks compare in constant time.
//
// Why SHA-256 and not bcrypt: bcrypt and argon2 are slow on purpose, to make guessing
// low-entropy human passwords expensive. These secrets are 256 random bits made by
// Generate; no amount of guessing finds one, fast hash or slow. A slow hash would only
// make every token request and API-key check cost tens of milliseconds of CPU, which is
// a denial-of-service lever on a gateway. (The course stored app secrets in plain text,
// defaulted them to md5(app_id) and compared them with ==.)
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// Generate returns a new secret: 32 bytes from crypto/rand, base64url without padding
// (43 characters). crypto/rand.Read does not fail on supported platforms (Go 1.24+).
func Generate() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // documented to never return an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is what is stored instead of secret s: "sha256:" and the hex SHA-256 of s.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ErrBadHash reports a stored hash that Hash did not produce.
var ErrBadHash = errors.New("secret: stored hash is not sha256:<64 hex digits>")

// ParseHash checks a stored hash and returns its digest.
func ParseHash(h string) ([sha256.Size]byte, error) {
	var d [sha256.Size]byte
	const prefix = "sha256:"
	if len(h) != len(prefix)+2*sha256.Size || h[:len(prefix)] != prefix {
		return d, fmt.Errorf("%w: %.16q...", ErrBadHash, h)
	}
	if _, err := hex.Decode(d[:], []byte(h[len(prefix):])); err != nil {
		return d, fmt.Errorf("%w: %v", ErrBadHash, err)
	}
	return d, nil
}

// Matches reports whether s hashes to digest, in time that does not depend on where
// they differ.
func Matches(digest [sha256.Size]byte, s string) bool {
	sum := sha256.Sum256([]byte(s))
	return subtle.ConstantTimeCompare(sum[:], digest[:]) == 1
}
