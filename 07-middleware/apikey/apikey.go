// Package apikey authenticates callers by a static key sent in a header (X-API-Key by
// default), the simplest credential a gateway offers (Kong key-auth, APISIX key-auth).
//
// Keys are configured as hashes (package secret), so a leaked config does not leak
// keys. A presented key is hashed and looked up by its hash: the lookup's timing can
// only reveal something about a SHA-256 digest, never about a stored key. The key header
// is removed before the request goes upstream: it is the gateway's credential, not the
// service's.
package apikey

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"

	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/secret"
)

// Key is one accepted API key.
type Key struct {
	// Name identifies the key in logs (identity.Subject). Required.
	Name string
	// App is the tenant the key's requests are charged to (identity.App); optional.
	App string
	// Hash is secret.Hash of the key. Required.
	Hash string
}

// Store looks keys up by hash. It is immutable and safe for concurrent use.
type Store struct {
	byDigest map[[sha256.Size]byte]Key
}

// NewStore validates keys and indexes them.
func NewStore(keys []Key) (*Store, error) {
	s := &Store{byDigest: make(map[[sha256.Size]byte]Key, len(keys))}
	for i, k := range keys {
		if k.Name == "" {
			return nil, fmt.Errorf("apikey: Keys[%d].Name is required", i)
		}
		d, err := secret.ParseHash(k.Hash)
		if err != nil {
			return nil, fmt.Errorf("apikey: Keys[%d] (%s).Hash: %w", i, k.Name, err)
		}
		if _, dup := s.byDigest[d]; dup {
			return nil, fmt.Errorf("apikey: Keys[%d] (%s) has the same key as another entry", i, k.Name)
		}
		s.byDigest[d] = k
	}
	return s, nil
}

// Lookup returns the Key whose hash matches presented.
func (s *Store) Lookup(presented string) (Key, bool) {
	k, ok := s.byDigest[sha256.Sum256([]byte(presented))]
	return k, ok
}

// Config configures the middleware.
type Config struct {
	// Keys are the accepted keys. Required.
	Keys []Key
	// Header carries the key (default "X-API-Key").
	Header string
}

type middleware struct {
	next   http.Handler
	store  *Store
	header string
}

// New returns a middleware that answers 401 unless the request carries a known key.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("apikey: Keys is required")
	}
	store, err := NewStore(cfg.Keys)
	if err != nil {
		return nil, err
	}
	if cfg.Header == "" {
		cfg.Header = "X-API-Key"
	}
	return &middleware{next: next, store: store, header: textproto.CanonicalMIMEHeaderKey(cfg.Header)}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k, ok := m.store.Lookup(r.Header.Get(m.header))
	if !ok {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf("APIKey header=%q", m.header))
		reply.Error(w, http.StatusUnauthorized, "missing or unknown API key")
		return
	}
	r = r.WithContext(identity.With(r.Context(), identity.Identity{App: k.App, Subject: k.Name, Method: "apikey"}))
	r.Header = r.Header.Clone() // the caller's map stays untouched
	r.Header.Del(m.header)
	m.next.ServeHTTP(w, r)
}
