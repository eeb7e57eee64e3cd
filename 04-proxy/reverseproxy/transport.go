package reverseproxy

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Protocol says how a Transport talks to its upstream.
type Protocol string

// The protocols an upstream can speak.
const (
	// HTTP1 is HTTP/1.1 (over TLS for https targets). It is the default.
	HTTP1 Protocol = "http1"
	// HTTP2 negotiates HTTP/2 over TLS through ALPN, falling back to HTTP/1.1 when the
	// upstream does not offer it. For http:// targets it is the same as HTTP1.
	HTTP2 Protocol = "h2"
	// H2C is HTTP/2 over cleartext TCP with prior knowledge (no upgrade dance): what
	// gRPC servers listening without TLS speak.
	H2C Protocol = "h2c"
)

// TransportConfig tunes the connection pool to one upstream. Zero fields take the
// defaults listed with each; they are what a gateway in front of a LAN service wants,
// and shorter than the course's 30 s dial timeout, which let one dead upstream hold
// a client for half a minute.
type TransportConfig struct {
	Protocol              Protocol      // default HTTP1
	DialTimeout           time.Duration // default 5 s
	KeepAlive             time.Duration // TCP keep-alive probes, default 30 s
	TLSHandshakeTimeout   time.Duration // default 10 s
	ResponseHeaderTimeout time.Duration // wait for the status line; default 0 (none; use a route timeout)
	ExpectContinueTimeout time.Duration // default 1 s
	IdleConnTimeout       time.Duration // default 90 s
	MaxIdleConnsPerHost   int           // default 256: a pool that covers a busy gateway's concurrency
	MaxConnsPerHost       int           // default 0, no limit
	// TLS configures connections to https upstreams (RootCAs for a private CA, client
	// certificates). Nil uses the system roots.
	TLS *tls.Config
}

// NewTransport returns an http.Transport for one upstream. It never asks the upstream
// for compression it did not see from the client: a proxy must pass Content-Encoding
// through untouched, not transparently gunzip bodies.
func NewTransport(c TransportConfig) (*http.Transport, error) {
	c = c.withDefaults()
	dialer := &net.Dialer{Timeout: c.DialTimeout, KeepAlive: c.KeepAlive}
	t := &http.Transport{
		Proxy:                  nil, // an upstream is reached directly, never through $HTTP_PROXY
		DialContext:            dialer.DialContext,
		TLSClientConfig:        c.TLS,
		TLSHandshakeTimeout:    c.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  c.ResponseHeaderTimeout,
		ExpectContinueTimeout:  c.ExpectContinueTimeout,
		IdleConnTimeout:        c.IdleConnTimeout,
		MaxIdleConns:           0, // bounded per host below
		MaxIdleConnsPerHost:    c.MaxIdleConnsPerHost,
		MaxConnsPerHost:        c.MaxConnsPerHost,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 1 << 20,
	}
	var protocols http.Protocols
	switch c.Protocol {
	case HTTP1:
		protocols.SetHTTP1(true)
	case HTTP2:
		protocols.SetHTTP1(true)
		protocols.SetHTTP2(true)
		t.ForceAttemptHTTP2 = true
	case H2C:
		protocols.SetUnencryptedHTTP2(true)
	default:
		return nil, fmt.Errorf("reverseproxy: unknown upstream protocol %q (want http1, h2 or h2c)", c.Protocol)
	}
	t.Protocols = &protocols
	return t, nil
}

func (c TransportConfig) withDefaults() TransportConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Protocol == "" {
		c.Protocol = HTTP1
	}
	def(&c.DialTimeout, 5*time.Second)
	def(&c.KeepAlive, 30*time.Second)
	def(&c.TLSHandshakeTimeout, 10*time.Second)
	def(&c.ExpectContinueTimeout, time.Second)
	def(&c.IdleConnTimeout, 90*time.Second)
	if c.MaxIdleConnsPerHost == 0 {
		c.MaxIdleConnsPerHost = 256
	}
	return c
}
