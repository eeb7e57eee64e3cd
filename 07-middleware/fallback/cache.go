package fallback

import (
	"bytes"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gatewaylab/07-middleware/internal/lru"
	"gatewaylab/07-middleware/internal/reply"
)

// CacheConfig bounds a Cache.
type CacheConfig struct {
	// MaxEntries is the number of responses kept (default 1000).
	MaxEntries int
	// MaxBodyBytes is the largest body kept (default 64 KiB); bigger responses stream
	// through and are not cached.
	MaxBodyBytes int
	// MaxAge is how old a kept response may be and still be served (default 10 min).
	MaxAge time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Cache keeps the last good (200) response per URL, for serving when the upstream
// cannot answer. It is shared, so it only keeps responses that are the same for every
// caller: GET requests without Authorization or Cookie, whose response has no
// Set-Cookie, no Vary and no Cache-Control private or no-store. Memory is bounded by
// MaxEntries * MaxBodyBytes. Safe for concurrent use.
type Cache struct {
	entries *lru.Cache[*entry]
	cfg     CacheConfig
}

type entry struct {
	status int
	header http.Header
	body   []byte
	stored time.Time
}

// NewCache returns an empty Cache.
func NewCache(cfg CacheConfig) *Cache {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 1000
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Cache{entries: lru.New[*entry](cfg.MaxEntries), cfg: cfg}
}

// Len is the number of responses kept.
func (c *Cache) Len() int { return c.entries.Len() }

func cacheKey(r *http.Request) string { return r.Host + " " + r.URL.RequestURI() }

func cacheableRequest(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Authorization") == "" &&
		r.Header.Get("Cookie") == "" && r.Header.Get("Range") == ""
}

func cacheableResponse(status int, h http.Header) bool {
	if status != http.StatusOK || h.Get("Set-Cookie") != "" || h.Get("Vary") != "" {
		return false
	}
	cc := strings.ToLower(h.Get("Cache-Control"))
	return !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store")
}

// store keeps a finished response.
func (c *Cache) store(r *http.Request, status int, h http.Header, body []byte) {
	if !cacheableResponse(status, h) {
		return
	}
	c.entries.Put(cacheKey(r), &entry{status: status, header: h.Clone(), body: bytes.Clone(body), stored: c.cfg.Now()})
}

// serve writes the kept response for r and reports whether there was a fresh one.
func (c *Cache) serve(w http.ResponseWriter, r *http.Request) bool {
	if !cacheableRequest(r) {
		return false
	}
	e, ok := c.entries.Get(cacheKey(r))
	if !ok {
		return false
	}
	age := c.cfg.Now().Sub(e.stored)
	if age > c.cfg.MaxAge {
		return false
	}
	h := w.Header()
	maps.Copy(h, e.header)
	h.Set("Age", strconv.FormatInt(int64(age/time.Second), 10))
	h.Set(reply.FallbackHeader, "cache")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body) // a client that hung up cannot be told anything
	return true
}

// tee copies a response's body while it streams, up to a limit.
type tee struct {
	http.ResponseWriter
	limit    int
	status   int
	header   http.Header
	buf      bytes.Buffer
	overflow bool
}

func (t *tee) WriteHeader(code int) {
	if t.status == 0 && code >= 200 {
		t.status = code
		t.header = t.ResponseWriter.Header().Clone()
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *tee) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	if !t.overflow {
		if t.buf.Len()+len(p) > t.limit {
			t.overflow = true
			t.buf = bytes.Buffer{}
		} else {
			t.buf.Write(p)
		}
	}
	return t.ResponseWriter.Write(p)
}

func (t *tee) Flush() {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
