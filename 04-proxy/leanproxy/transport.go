package leanproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// MaxInlineBody is the largest request body the lean path sends. The request is
// written in full before the response is read, so a larger body could deadlock
// against an upstream that answers before reading all of it; such requests (and
// bodies of unknown length) go to the fallback, which writes and reads concurrently.
const MaxInlineBody = 64 << 10

// Defaults net/http applies to the same zero settings.
const (
	defaultMaxIdlePerHost   = http.DefaultMaxIdleConnsPerHost
	defaultMaxHeaderBytes   = 10 << 20
	defaultDialTimeout      = 30 * time.Second
	defaultDialKeepAlive    = 30 * time.Second
	max1xxResponses         = 5 // net/http's bound on informational responses
	bufferSize              = 4 << 10
	defaultUserAgent        = "Go-http-client/1.1"
	headerTimeoutErrMessage = "leanproxy: timeout awaiting response headers"
)

// Transport sends plain HTTP/1.1 requests on its own connection pool and every other
// request through a fallback *http.Transport. It is safe for concurrent use. Its
// settings are read from the fallback once, in New: change the fallback afterwards
// and only the fallback path sees it.
type Transport struct {
	fallback *http.Transport
	lean     bool // false: the fallback's configuration rules the lean path out
	gzip     bool // the fallback asks for gzip itself when the client did not
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)

	responseHeaderTimeout time.Duration
	idleTimeout           time.Duration // 0: no limit
	maxIdlePerHost        int
	maxHeaderBytes        int64

	pools     sync.Map     // host:port -> *hostPool
	fallbacks atomic.Int64 // requests sent through the fallback (tests)
}

var _ http.RoundTripper = (*Transport)(nil)

// New returns a Transport in front of fallback. The lean path uses the fallback's
// DialContext, ResponseHeaderTimeout, IdleConnTimeout, MaxIdleConnsPerHost and
// MaxResponseHeaderBytes, with net/http's defaults for zero values. A nil fallback
// gets a clone of http.DefaultTransport with compression off (a proxy must pass
// Content-Encoding through, not decode it).
func New(fallback *http.Transport) *Transport {
	if fallback == nil {
		fallback = http.DefaultTransport.(*http.Transport).Clone()
		fallback.DisableCompression = true
		fallback.Proxy = nil
	}
	t := &Transport{
		fallback:              fallback,
		lean:                  leanAllowed(fallback),
		gzip:                  !fallback.DisableCompression,
		dial:                  fallback.DialContext,
		responseHeaderTimeout: fallback.ResponseHeaderTimeout,
		idleTimeout:           fallback.IdleConnTimeout,
		maxIdlePerHost:        fallback.MaxIdleConnsPerHost,
		maxHeaderBytes:        fallback.MaxResponseHeaderBytes,
	}
	if t.dial == nil {
		d := &net.Dialer{Timeout: defaultDialTimeout, KeepAlive: defaultDialKeepAlive}
		t.dial = d.DialContext
	}
	if t.maxIdlePerHost == 0 {
		t.maxIdlePerHost = defaultMaxIdlePerHost
	}
	if t.maxHeaderBytes <= 0 {
		t.maxHeaderBytes = defaultMaxHeaderBytes
	}
	return t
}

// leanAllowed reports whether the lean path can behave exactly like fallback would
// for plain HTTP/1.1: no proxy, keep-alives on, no per-host connection cap (which
// needs a wait queue), and HTTP/1.1 allowed for http:// URLs.
func leanAllowed(f *http.Transport) bool {
	if f.Proxy != nil || f.DisableKeepAlives || f.MaxConnsPerHost > 0 {
		return false
	}
	return f.Protocols == nil || f.Protocols.HTTP1()
}

// Fallback returns the transport that serves what the lean path does not.
func (t *Transport) Fallback() *http.Transport { return t.fallback }

// RoundTrip sends req on the lean path when it can, else through the fallback.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.takes(req) {
		t.fallbacks.Add(1)
		return t.fallback.RoundTrip(req)
	}
	return t.roundTrip(req)
}

// takes reports whether req goes on the lean path.
func (t *Transport) takes(req *http.Request) bool {
	if !t.lean || req.URL == nil || req.URL.Scheme != "http" || req.URL.Host == "" {
		return false
	}
	if req.Method == http.MethodConnect || len(req.Trailer) > 0 || req.Header.Get("Expect") != "" {
		return false
	}
	if t.gzip && req.Header.Get("Accept-Encoding") == "" && req.Header.Get("Range") == "" {
		return false // the fallback would ask for gzip and decode it: transparent compression
	}
	if !hasBody(req) {
		return true
	}
	return req.ContentLength > 0 && req.ContentLength <= MaxInlineBody
}

// hasBody reports whether req carries a body to send. As for http.Client, a zero
// ContentLength with a non-nil Body means "unknown length".
func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody
}

// CloseIdleConnections closes every idle connection, the fallback's included.
// Connections in use are closed when their response is done.
func (t *Transport) CloseIdleConnections() {
	t.pools.Range(func(_, v any) bool {
		v.(*hostPool).closeIdle()
		return true
	})
	t.fallback.CloseIdleConnections()
}

// pool returns the idle pool for addr, making it on first use.
func (t *Transport) pool(addr string) *hostPool {
	if p, ok := t.pools.Load(addr); ok {
		return p.(*hostPool)
	}
	p, _ := t.pools.LoadOrStore(addr, &hostPool{t: t, addr: addr})
	return p.(*hostPool)
}

// roundTrip sends req on a pooled (or new) connection, and once more on a fresh
// connection when a reused one turned out to be dead and req can be repeated.
func (t *Transport) roundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	trace := httptrace.ContextClientTrace(ctx)
	p := t.pool(req.URL.Host)
	replayable := canReplay(req)
	if trace != nil && trace.GetConn != nil {
		trace.GetConn(p.addr)
	}
	c, err := p.get(ctx, !replayable)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	res, err := c.exchange(req, trace)
	if err == nil || !replayable || !c.reused || c.cr.total > 0 || ctx.Err() != nil || isTimeout(err) {
		return res, err
	}
	if c, err = p.dial(ctx); err != nil {
		return nil, err
	}
	return c.exchange(req, trace)
}

// canReplay reports whether req may be sent a second time when the first connection
// died before answering: it has no body to lose, and sending it twice is harmless
// (RFC 9110, 9.2.2), as net/http decides.
func canReplay(req *http.Request) bool {
	if hasBody(req) {
		return false
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return key || xkey
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// timeoutError is the error for a response header that did not arrive in time. It is
// a net.Error with Timeout true, which callers map to 504 Gateway Timeout.
type timeoutError struct{}

func (timeoutError) Error() string   { return headerTimeoutErrMessage }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ErrHeaderTooLarge is returned when the upstream's response header exceeds the
// fallback's MaxResponseHeaderBytes (default 10 MiB).
var ErrHeaderTooLarge = errors.New("leanproxy: upstream response header too large")

func wrapDial(addr string, err error) error { return fmt.Errorf("leanproxy: dial %s: %w", addr, err) }
