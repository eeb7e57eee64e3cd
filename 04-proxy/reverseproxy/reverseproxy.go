// Package reverseproxy is the production reverse proxy (反向代理) to one upstream, the one
// the final gateway runs. It is net/http/httputil.ReverseProxy configured the way a
// gateway needs it:
//
//   - Rewrite, never Director: with Director a client can delete headers the proxy set by
//     naming them in Connection, and the client's X-Forwarded-For passes through unchecked
//     (golang/go#50580); Director is deprecated since Go 1.26;
//   - X-Forwarded-* believed only from trusted proxies (package forwarded);
//   - Upgrade passed through for WebSocket only (h2c upgrades smuggle requests past
//     proxies' checks, Traefik GHSA-w4v4-9rw7-5326);
//   - a tuned Transport per upstream (NewTransport), one buffer pool for every proxy;
//   - upstream errors mapped to 502/503/504 with a short body by package proxyerr, and a
//     hook so the caller (a balancer's feedback, metrics) learns about each failure.
//
// Balancing is the caller's business: build one Proxy per upstream and pick which one
// serves a request (stage 05 and the gateway do exactly that).
package reverseproxy

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"gatewaylab/04-proxy/bufpool"
	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/hopbyhop"
	"gatewaylab/04-proxy/proxyerr"
)

// ErrorHook is told about every request the proxy could not complete, after the client
// has been answered with status. w is the ResponseWriter the proxy was called with, so a
// caller that wrapped it can find its wrapper again.
type ErrorHook func(w http.ResponseWriter, r *http.Request, err error, status int)

// Config configures a Proxy. Only Target is required.
type Config struct {
	// Target is the upstream's base URL (http or https). A path is joined in front of
	// the request's path, and a query in front of the request's query.
	Target *url.URL
	// Transport sends requests upstream. Nil means a transport from NewTransport with
	// default settings, owned by this Proxy.
	Transport http.RoundTripper
	// Trust lists proxies whose X-Forwarded-* headers are believed; nil trusts none.
	Trust *forwarded.Trust
	// PreserveHost sends the client's Host header instead of the target's.
	PreserveHost bool
	// FlushInterval is how often buffered response data is flushed to the client.
	// Zero flushes immediately for streams (text/event-stream, unknown length) and
	// buffers the rest; negative flushes after every write.
	FlushInterval time.Duration
	// ModifyResponse, when set, may change the upstream's response before it is copied;
	// an error it returns is handled like an upstream error (502).
	ModifyResponse func(*http.Response) error
	// OnError, when set, is called for each failed request (see ErrorHook).
	OnError ErrorHook
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// Proxy forwards requests to one upstream. It is safe for concurrent use.
type Proxy struct {
	rp           httputil.ReverseProxy
	target       *url.URL
	trust        *forwarded.Trust
	preserveHost bool
	onError      ErrorHook
	logger       *slog.Logger
}

// New validates cfg and returns a Proxy for its target.
func New(cfg Config) (*Proxy, error) {
	if err := validateTarget(cfg.Target); err != nil {
		return nil, err
	}
	p := &Proxy{
		target:       cfg.Target,
		trust:        cfg.Trust,
		preserveHost: cfg.PreserveHost,
		onError:      cfg.OnError,
		logger:       cfg.Logger,
	}
	if p.logger == nil {
		p.logger = slog.Default()
	}
	transport := cfg.Transport
	if transport == nil {
		t, err := NewTransport(TransportConfig{})
		if err != nil {
			return nil, err
		}
		transport = t
	}
	p.rp = httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      transport,
		FlushInterval:  cfg.FlushInterval,
		BufferPool:     bufpool.Pool{},
		ModifyResponse: cfg.ModifyResponse,
		ErrorHandler:   p.handleError,
		ErrorLog:       slog.NewLogLogger(p.logger.Handler(), slog.LevelWarn),
	}
	return p, nil
}

func validateTarget(u *url.URL) error {
	switch {
	case u == nil:
		return errors.New("reverseproxy: no target URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("reverseproxy: target %q: scheme must be http or https", u.Redacted())
	case u.Host == "":
		return fmt.Errorf("reverseproxy: target %q: no host", u.Redacted())
	}
	return nil
}

// Target returns the upstream's base URL.
func (p *Proxy) Target() *url.URL { return p.target }

// ServeHTTP forwards r to the upstream and copies its answer to w.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.rp.ServeHTTP(w, r)
}

// rewrite builds the outbound request. ReverseProxy has already cloned it, removed
// hop-by-hop headers (Connection tokens, then the fixed list, keeping "TE: trailers")
// and the inbound X-Forwarded-* headers.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.target)
	if p.preserveHost {
		pr.Out.Host = pr.In.Host
	}
	p.trust.SetHeaders(pr.Out, pr.In)
	if up := hopbyhop.UpgradeType(pr.Out.Header); up != "" && !strings.EqualFold(up, "websocket") {
		pr.Out.Header.Del("Connection")
		pr.Out.Header.Del("Upgrade")
	}
	// HTTP2-Settings only accompanies an h2c upgrade (RFC 7540 section 3.2), which is
	// never forwarded; without it no backend can be talked into one.
	pr.Out.Header.Del("Http2-Settings")
}

func (p *Proxy) handleError(w http.ResponseWriter, r *http.Request, err error) {
	status := proxyerr.Write(w, err)
	if status != proxyerr.StatusClientClosedRequest {
		p.logger.Warn("reverse proxy: upstream request failed", "method", r.Method, "path", r.URL.Path,
			"upstream", p.target.Host, "status", status, "err", err)
	}
	if p.onError != nil {
		p.onError(w, r, err, status)
	}
}
