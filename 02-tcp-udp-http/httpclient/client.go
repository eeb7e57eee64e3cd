package httpclient

import (
	"net"
	"net/http"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// Config holds the client's pool and timeout settings. Zero fields take the
// values of DefaultConfig; a negative value means "no limit" (zero in
// http.Transport terms).
type Config struct {
	// DialTimeout bounds the TCP handshake with an upstream.
	DialTimeout time.Duration
	// KeepAlive is the TCP keep-alive probe interval on pooled connections,
	// which notices a peer that vanished without a FIN.
	KeepAlive time.Duration
	// MaxIdleConns caps idle connections across all hosts.
	MaxIdleConns int
	// MaxIdleConnsPerHost caps idle connections to one host. net/http's
	// default is 2: under any real concurrency to one upstream (a gateway's
	// normal case) connections beyond 2 are closed after each request and
	// reopened for the next, each leaving a socket in TIME_WAIT.
	MaxIdleConnsPerHost int
	// IdleConnTimeout closes a pooled connection unused for this long.
	IdleConnTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake.
	TLSHandshakeTimeout time.Duration
	// ExpectContinueTimeout is how long to wait for "100 Continue" before
	// sending a body with "Expect: 100-continue".
	ExpectContinueTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the response headers after
	// the request is written: an upstream that accepts and never answers.
	ResponseHeaderTimeout time.Duration
	// Timeout bounds a whole exchange, body included (http.Client.Timeout).
	Timeout time.Duration
}

// DefaultConfig returns the course's transport settings (dial 30s,
// keep-alive 30s, 100 idle connections, idle timeout 90s, TLS handshake 10s,
// Expect-Continue 1s), plus 100 idle connections per host, a 30s response
// header timeout and a 30s overall timeout.
func DefaultConfig() Config {
	return Config{
		DialTimeout:           30 * time.Second,
		KeepAlive:             30 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		Timeout:               30 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultConfig and turns negative ones
// into zero, net/http's "no limit".
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	return Config{
		DialTimeout:           netx.Setting(c.DialTimeout, def.DialTimeout),
		KeepAlive:             netx.Setting(c.KeepAlive, def.KeepAlive),
		MaxIdleConns:          netx.Setting(c.MaxIdleConns, def.MaxIdleConns),
		MaxIdleConnsPerHost:   netx.Setting(c.MaxIdleConnsPerHost, def.MaxIdleConnsPerHost),
		IdleConnTimeout:       netx.Setting(c.IdleConnTimeout, def.IdleConnTimeout),
		TLSHandshakeTimeout:   netx.Setting(c.TLSHandshakeTimeout, def.TLSHandshakeTimeout),
		ExpectContinueTimeout: netx.Setting(c.ExpectContinueTimeout, def.ExpectContinueTimeout),
		ResponseHeaderTimeout: netx.Setting(c.ResponseHeaderTimeout, def.ResponseHeaderTimeout),
		Timeout:               netx.Setting(c.Timeout, def.Timeout),
	}
}

// NewTransport returns a pooled transport configured by cfg. It does not
// read proxy settings from the environment: a gateway's upstream traffic
// should not change route because of an HTTP_PROXY variable.
func NewTransport(cfg Config) *http.Transport {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: cfg.KeepAlive}
	return &http.Transport{
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          cfg.MaxIdleConns,
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:       cfg.IdleConnTimeout,
		TLSHandshakeTimeout:   cfg.TLSHandshakeTimeout,
		ExpectContinueTimeout: cfg.ExpectContinueTimeout,
		ResponseHeaderTimeout: cfg.ResponseHeaderTimeout,
	}
}

// New returns a client using NewTransport(cfg) and cfg's overall timeout.
// Build one and share it: each client made here has its own pool, so a
// client per request pools nothing.
func New(cfg Config) *http.Client {
	return &http.Client{Transport: NewTransport(cfg), Timeout: cfg.withDefaults().Timeout}
}
