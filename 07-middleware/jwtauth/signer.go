package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SigningKey is the key a Signer signs with.
type SigningKey struct {
	// ID goes into the token's "kid" header (recommended; required by Verifiers with
	// several keys).
	ID string
	// Algorithm is HS256, RS256 or ES256.
	Algorithm string
	// Secret is the HS256 secret (at least 32 bytes).
	Secret []byte
	// PrivateKey is the *rsa.PrivateKey (RS256) or *ecdsa.PrivateKey (ES256).
	PrivateKey crypto.Signer
}

// SignerConfig configures a Signer.
type SignerConfig struct {
	Key      SigningKey
	Issuer   string        // required
	Audience string        // required
	TTL      time.Duration // token lifetime; default 1 hour, at most 24 hours
	Now      func() time.Time
}

// Signer issues tokens. It is immutable and safe for concurrent use.
type Signer struct {
	cfg    SignerConfig
	method jwt.SigningMethod
	key    any
}

// NewSigner validates cfg and returns a Signer.
func NewSigner(cfg SignerConfig) (*Signer, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("jwtauth: signer Issuer and Audience are required")
	}
	if cfg.TTL == 0 {
		cfg.TTL = time.Hour
	}
	if cfg.TTL < time.Second || cfg.TTL > 24*time.Hour {
		return nil, fmt.Errorf("jwtauth: signer TTL must be within 1s..24h, got %v", cfg.TTL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Signer{cfg: cfg}
	if err := s.pickKey(); err != nil {
		return nil, fmt.Errorf("jwtauth: signing key %q: %w", cfg.Key.ID, err)
	}
	return s, nil
}

func (s *Signer) pickKey() error {
	k := s.cfg.Key
	switch k.Algorithm {
	case HS256:
		if len(k.Secret) < MinSecretBytes {
			return fmt.Errorf("an HS256 Secret must be at least %d bytes", MinSecretBytes)
		}
		s.method, s.key = jwt.SigningMethodHS256, k.Secret
	case RS256:
		priv, ok := k.PrivateKey.(*rsa.PrivateKey)
		if !ok || priv.N.BitLen() < 2048 {
			return errors.New("an RS256 PrivateKey must be an *rsa.PrivateKey of at least 2048 bits")
		}
		s.method, s.key = jwt.SigningMethodRS256, priv
	case ES256:
		priv, ok := k.PrivateKey.(*ecdsa.PrivateKey)
		if !ok || priv.Curve.Params().Name != "P-256" {
			return errors.New("an ES256 PrivateKey must be a P-256 *ecdsa.PrivateKey")
		}
		s.method, s.key = jwt.SigningMethodES256, priv
	default:
		return fmt.Errorf("the Algorithm %q is not HS256, RS256 or ES256", k.Algorithm)
	}
	return nil
}

// TTL is the lifetime of issued tokens.
func (s *Signer) TTL() time.Duration { return s.cfg.TTL }

// Sign issues a token for subject with the given scope (may be empty). It returns the
// token and its expiry.
func (s *Signer) Sign(subject, scope string) (string, time.Time, error) {
	now := s.cfg.Now().Truncate(time.Second)
	exp := now.Add(s.cfg.TTL)
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.cfg.Issuer,
			Subject:   subject,
			Audience:  jwt.ClaimStrings{s.cfg.Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        tokenID(),
		},
		Scope: scope,
	}
	t := jwt.NewWithClaims(s.method, claims)
	if s.cfg.Key.ID != "" {
		t.Header["kid"] = s.cfg.Key.ID
	}
	signed, err := t.SignedString(s.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("jwtauth: sign: %w", err)
	}
	return signed, exp, nil
}

// tokenID is a random "jti", so each token can be told apart in logs.
func tokenID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // documented to never return an error
	return base64.RawURLEncoding.EncodeToString(b)
}
