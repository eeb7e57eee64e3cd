package health

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// HTTPConfig configures an HTTP probe. The zero value sends GET / over plain HTTP and
// accepts 2xx and 3xx.
type HTTPConfig struct {
	// Scheme is "http" (default) or "https".
	Scheme string
	// Path is the request path and query, e.g. "/healthz"; default "/".
	Path string
	// Host is the Host header to send, for backends that route by virtual host; empty
	// means the target address.
	Host string
	// Expect lists the status codes that pass; nil means DefaultStatusRanges.
	Expect StatusRanges
	// BodyContains, if set, must appear in the first MaxBody bytes of the body.
	BodyContains string
	// MaxBody bounds how much of the body is read; 0 means 64 KiB.
	MaxBody int64
	// TLS configures https probes (a private CA, SNI); nil uses the system roots.
	TLS *tls.Config
}

type httpProber struct {
	cfg    HTTPConfig
	client *http.Client
}

// HTTP returns a Prober that sends one request per probe and passes when the status is
// expected and, if set, the body contains BodyContains.
//
// Every probe opens a new connection: a pooled connection would keep "passing" for a
// backend that no longer accepts new ones. Redirects are not followed (a 3xx is the
// answer), and $HTTP_PROXY is ignored, since targets are reached directly.
func HTTP(cfg HTTPConfig) (Prober, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{}).DialContext,
		TLSClientConfig:        cfg.TLS,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &httpProber{cfg: cfg, client: client}, nil
}

func (c *HTTPConfig) fill() error {
	switch c.Scheme {
	case "":
		c.Scheme = "http"
	case "http", "https":
	default:
		return fmt.Errorf("http probe: scheme %q (want http or https): %w", c.Scheme, ErrInvalidConfig)
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if !strings.HasPrefix(c.Path, "/") {
		return fmt.Errorf("http probe: path %q must start with /: %w", c.Path, ErrInvalidConfig)
	}
	if c.Expect == nil {
		c.Expect = DefaultStatusRanges
	}
	if c.MaxBody == 0 {
		c.MaxBody = 64 << 10
	}
	if c.MaxBody < 0 {
		return fmt.Errorf("http probe: max body %d is negative: %w", c.MaxBody, ErrInvalidConfig)
	}
	return nil
}

func (p *httpProber) Probe(ctx context.Context, addr string) error {
	u := p.cfg.Scheme + "://" + addr + p.cfg.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("http probe %s: %w", u, err)
	}
	if p.cfg.Host != "" {
		req.Host = p.cfg.Host
	}
	req.Header.Set("User-Agent", "gatewaylab-health/1")
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("http probe: %w", unwrapURLError(err))
	}
	defer resp.Body.Close()
	if !p.cfg.Expect.Contains(resp.StatusCode) {
		return fmt.Errorf("http probe %s: status %d, want %s: %w", u, resp.StatusCode, p.cfg.Expect, ErrUnexpectedStatus)
	}
	if p.cfg.BodyContains == "" {
		return nil
	}
	return p.checkBody(u, resp.Body)
}

func (p *httpProber) checkBody(u string, body io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(body, p.cfg.MaxBody))
	if err != nil {
		return fmt.Errorf("http probe %s: read body: %w", u, err)
	}
	if !strings.Contains(string(b), p.cfg.BodyContains) {
		return fmt.Errorf("http probe %s: %q: %w", u, p.cfg.BodyContains, ErrBodyMismatch)
	}
	return nil
}

// unwrapURLError drops the *url.Error wrapper the client adds ("Get \"http://...\": ")
// so messages name the URL once; errors.Is still sees the cause.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.URL, ue.Err)
	}
	return err
}
