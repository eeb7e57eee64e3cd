// Package requestid gives every request an ID, set on the request (for the upstream)
// and on the response (for the client), so one request can be followed through the
// gateway's logs and the services' logs.
//
// An ID sent by the client is kept only if TrustInbound is set and it looks like an ID:
// otherwise anyone could put newlines or megabytes into every log line downstream.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/textproto"
)

// Config configures the middleware.
type Config struct {
	// Header carries the ID (default "X-Request-Id").
	Header string
	// TrustInbound keeps a well-formed ID the request already has (set it when the
	// gateway sits behind a proxy that assigns IDs). Default: always generate.
	TrustInbound bool
	// Generate makes a new ID (default: 16 random bytes, base64url).
	Generate func() string
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns the request-ID middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Header == "" {
		cfg.Header = "X-Request-Id"
	}
	cfg.Header = textproto.CanonicalMIMEHeaderKey(cfg.Header)
	if cfg.Generate == nil {
		cfg.Generate = Generate
	}
	return &middleware{next: next, cfg: cfg}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(m.cfg.Header)
	if !m.cfg.TrustInbound || !WellFormed(id) {
		id = m.cfg.Generate()
	}
	// One value slice for both headers (the key is canonical already): headers are
	// replaced, never edited in place, and appending to a full slice copies it.
	v := []string{id}
	r.Header[m.cfg.Header] = v
	w.Header()[m.cfg.Header] = v
	m.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
}

type ctxKey struct{}

// From returns the request's ID, or "" outside the middleware.
func From(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// MaxLen is the longest inbound ID kept.
const MaxLen = 128

// WellFormed reports whether id is 1 to MaxLen characters of letters, digits and
// "-_.:+/=" (UUIDs, ULIDs, base64 and trace IDs all fit).
func WellFormed(id string) bool {
	if id == "" || len(id) > MaxLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !ok && c != '-' && c != '_' && c != '.' && c != ':' && c != '+' && c != '/' && c != '=' {
			return false
		}
	}
	return true
}

// Generate returns a random ID: 16 bytes from crypto/rand as 22 base64url characters.
func Generate() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // documented to never return an error
	var id [22]byte        // base64.RawURLEncoding.EncodedLen(16), on the stack
	base64.RawURLEncoding.Encode(id[:], b[:])
	return string(id[:])
}
