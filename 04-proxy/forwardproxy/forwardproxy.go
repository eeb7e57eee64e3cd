// Package forwardproxy is a forward proxy (正向代理): a client configured to use it
// (curl -x, a browser's proxy setting) sends it every request, and it fetches the
// resource on the client's behalf. Plain HTTP arrives in absolute form
// ("GET http://example.com/ HTTP/1.1") and is fetched and relayed; HTTPS arrives as a
// CONNECT request, and the proxy opens a TCP tunnel through which the client speaks TLS
// directly with the server (the proxy sees only encrypted bytes).
//
// A forward proxy that anyone can reach is an open proxy: a free anonymiser for abuse,
// and a way into the network it sits in (SSRF). The course's listened on 0.0.0.0 for
// everyone. This one serves loopback clients only unless told otherwise.
package forwardproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/hopbyhop"
	"gatewaylab/04-proxy/proxyerr"
)

// Config configures a Proxy. The zero value is usable: loopback clients only, default
// timeouts, http.Transport defaults without environment proxies.
type Config struct {
	// AllowClients lists the client CIDRs (or addresses) that may use the proxy.
	// Empty means loopback only (127.0.0.0/8 and ::1).
	AllowClients []string
	// DialTimeout bounds connecting to a CONNECT target; default 10 s.
	DialTimeout time.Duration
	// IdleTimeout closes a tunnel after no byte moved either way for this long;
	// default 5 minutes.
	IdleTimeout time.Duration
	// Transport fetches plain HTTP requests; nil means a Transport with DialTimeout,
	// response header timeout 30 s and no proxy of its own.
	Transport http.RoundTripper
	// Logger receives one line per failure; nil means slog.Default().
	Logger *slog.Logger
}

// Proxy is an http.Handler that serves forward-proxy requests. Register its Close with
// http.Server.RegisterOnShutdown so that open tunnels end when the server shuts down.
type Proxy struct {
	allow       []netip.Prefix
	dialer      net.Dialer
	idleTimeout time.Duration
	transport   http.RoundTripper
	logger      *slog.Logger

	// tunnels holds the context every tunnel runs under; Close cancels it.
	tunnels      context.Context
	closeTunnels context.CancelFunc
	wg           sync.WaitGroup
}

// New returns a Proxy for cfg, or an error naming a bad AllowClients entry.
func New(cfg Config) (*Proxy, error) {
	entries := cfg.AllowClients
	if len(entries) == 0 {
		entries = []string{"127.0.0.0/8", "::1"}
	}
	p := &Proxy{logger: cfg.Logger, idleTimeout: cfg.IdleTimeout, transport: cfg.Transport}
	for _, e := range entries {
		prefix, err := forwarded.ParsePrefix(e)
		if err != nil {
			return nil, fmt.Errorf("forward proxy: allowed clients: %w", err)
		}
		p.allow = append(p.allow, prefix)
	}
	p.dialer.Timeout = cfg.DialTimeout
	if p.dialer.Timeout == 0 {
		p.dialer.Timeout = 10 * time.Second
	}
	if p.idleTimeout == 0 {
		p.idleTimeout = 5 * time.Minute
	}
	if p.logger == nil {
		p.logger = slog.Default()
	}
	if p.transport == nil {
		p.transport = &http.Transport{
			DialContext:           p.dialer.DialContext,
			ResponseHeaderTimeout: 30 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   16,
			DisableCompression:    true,
		}
	}
	p.tunnels, p.closeTunnels = context.WithCancel(context.Background())
	return p, nil
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if client := forwarded.PeerIP(r); !p.allowed(client) {
		p.logger.Warn("forward proxy: client not allowed", "client", client)
		http.Error(w, "forbidden: this proxy serves configured clients only", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodConnect {
		p.serveConnect(w, r)
		return
	}
	p.serveHTTP(w, r)
}

func (p *Proxy) allowed(ip netip.Addr) bool {
	for _, prefix := range p.allow {
		if prefix.Contains(ip) {
			return true
		}
	}
	return false
}

// serveHTTP relays a plain HTTP request given in absolute form.
func (p *Proxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !r.URL.IsAbs() || r.URL.Scheme != "http" || r.URL.Host == "" {
		http.Error(w, "bad request: a forward proxy needs an absolute http:// URL (use CONNECT for https)",
			http.StatusBadRequest)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	if r.ContentLength == 0 {
		out.Body = nil
	}
	hopbyhop.RemoveFromRequest(out.Header) // also drops Proxy-Authorization and Proxy-Connection
	res, err := p.transport.RoundTrip(out)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	defer res.Body.Close()
	hopbyhop.Remove(res.Header)
	for name, values := range res.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(res.StatusCode)
	if err := copyFlushing(w, res); err != nil {
		p.logger.Debug("forward proxy: response body", "url", r.URL.Redacted(), "err", err)
		panic(http.ErrAbortHandler) // cut the connection: the client must not take a partial body as whole
	}
}

func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := proxyerr.Write(w, err)
	if code != proxyerr.StatusClientClosedRequest {
		p.logger.Warn("forward proxy: request failed", "method", r.Method, "target", r.Host, "status", code, "err", err)
	}
}

// Close ends every open tunnel and waits for them. Plain HTTP requests in flight are
// the http.Server's to drain; call Close from RegisterOnShutdown.
func (p *Proxy) Close() {
	p.closeTunnels()
	p.wg.Wait()
}

// ErrClosed is returned for CONNECT requests that arrive after Close.
var ErrClosed = errors.New("forward proxy closed")
