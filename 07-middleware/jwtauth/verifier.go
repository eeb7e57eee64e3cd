package jwtauth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the claims the gateway reads. Scope is the OAuth 2.0 space-separated
// scope list (RFC 8693 section 4.2).
type Claims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope,omitempty"`
}

// HasScope reports whether s is one of the token's scopes.
func (c *Claims) HasScope(s string) bool {
	return slices.Contains(strings.Fields(c.Scope), s)
}

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Keys are the accepted keys. Required; more than one needs IDs, so tokens can name
	// theirs with "kid" (key rotation: publish the new key, then start signing with it).
	Keys []Key
	// Issuer is the required "iss". Required.
	Issuer string
	// Audience is the required "aud" (the token must list it). Required.
	Audience string
	// Leeway tolerates clock skew on exp and nbf (at most 5 minutes; default 0).
	Leeway time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Errors returned by Verify. Every one also wraps the jwt error that caused it.
var (
	ErrMissingToken = errors.New("missing bearer token")
	ErrInvalidToken = errors.New("invalid token")
	ErrUnknownKey   = errors.New("unknown key id")
)

// Verifier checks tokens. It is immutable and safe for concurrent use.
type Verifier struct {
	parser *jwt.Parser
	keys   map[string]pinned // by kid; "" is the only key when there is just one
}

type pinned struct {
	alg string
	key any
}

// NewVerifier validates cfg and returns a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("jwtauth: Keys is required (there is no default key)")
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("jwtauth: Issuer and Audience are required")
	}
	if cfg.Leeway < 0 || cfg.Leeway > 5*time.Minute {
		return nil, fmt.Errorf("jwtauth: Leeway must be within 0..5m, got %v", cfg.Leeway)
	}
	v := &Verifier{keys: make(map[string]pinned, len(cfg.Keys))}
	var algs []string
	for _, k := range cfg.Keys {
		if err := v.add(k, len(cfg.Keys)); err != nil {
			return nil, fmt.Errorf("jwtauth: %w", err)
		}
		if !slices.Contains(algs, k.Algorithm) {
			algs = append(algs, k.Algorithm)
		}
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(algs),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithStrictDecoding(),
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

func (v *Verifier) add(k Key, total int) error {
	if total > 1 && k.ID == "" {
		return errors.New("every key needs an ID when there are several")
	}
	if _, dup := v.keys[k.ID]; dup {
		return fmt.Errorf("duplicate key ID %q", k.ID)
	}
	vk, err := k.verifyKey()
	if err != nil {
		return err
	}
	v.keys[k.ID] = pinned{alg: k.Algorithm, key: vk}
	return nil
}

// Verify checks a compact JWS token's signature with the key its "kid" names (pinned to
// that key's algorithm) and its exp, nbf, iss and aud claims.
func (v *Verifier) Verify(token string) (*Claims, error) {
	if token == "" {
		return nil, ErrMissingToken
	}
	claims := &Claims{}
	if _, err := v.parser.ParseWithClaims(token, claims, v.keyFor); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return claims, nil
}

// keyFor picks the key named by the token's kid and refuses any algorithm but the one
// the key is pinned to: a token cannot choose how it is verified.
func (v *Verifier) keyFor(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	k, ok := v.keys[kid]
	if !ok && len(v.keys) == 1 && kid == "" {
		for _, only := range v.keys {
			k, ok = only, true
		}
	}
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, kid)
	}
	if alg := t.Method.Alg(); alg != k.alg {
		return nil, fmt.Errorf("algorithm %s is not the %s this key is pinned to", alg, k.alg)
	}
	return k.key, nil
}
