package handmade

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/hopbyhop"
	"gatewaylab/04-proxy/proxyerr"
)

// Proxy is step 2: a correct HTTP/1.1 and HTTP/2 reverse proxy to one upstream.
// The zero value is not usable; set Target.
type Proxy struct {
	// Target is the upstream's base URL. Its path is joined in front of the request's:
	// Target http://b:80/api and request /users go to http://b:80/api/users.
	Target *url.URL
	// Transport sends requests upstream; nil means DefaultTransport.
	Transport http.RoundTripper
	// Trust lists proxies in front of this one whose X-Forwarded-* headers are believed;
	// nil believes nobody.
	Trust *forwarded.Trust
	// Logger receives upstream errors; nil means slog.Default().
	Logger *slog.Logger
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := p.outgoingRequest(r)
	hopbyhop.RemoveFromRequest(out.Header)
	keepUpgrade(out.Header, r.Header)
	p.Trust.SetHeaders(out, r)

	res, err := p.transport().RoundTrip(out)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if res.StatusCode == http.StatusSwitchingProtocols {
		p.switchProtocols(w, r, res)
		return
	}
	defer res.Body.Close()

	hopbyhop.Remove(res.Header)
	copyHeader(w.Header(), res.Header)
	announceTrailers(w.Header(), res.Trailer)
	w.WriteHeader(res.StatusCode)
	if err := copyBody(w, res.Body, isStreaming(res)); err != nil {
		// The status is already sent; the only honest signal left is to cut the
		// connection so the client sees a truncated body, not a complete one.
		p.logger().Warn("handmade proxy: body copy failed", "upstream", p.Target.Host, "err", err)
		panic(http.ErrAbortHandler)
	}
	copyTrailers(w.Header(), res.Trailer)
}

// outgoingRequest clones r for the upstream. The clone keeps r's context: when the client
// goes away, the upstream request is cancelled with it.
func (p *Proxy) outgoingRequest(r *http.Request) *http.Request {
	out := r.Clone(r.Context())
	if r.ContentLength == 0 {
		out.Body = nil // lets the Transport retry idempotent requests on a dead pooled connection
	}
	out.URL.Scheme = p.Target.Scheme
	out.URL.Host = p.Target.Host
	out.URL.Path, out.URL.RawPath = joinPath(p.Target, r.URL)
	if p.Target.RawQuery != "" {
		out.URL.RawQuery = joinQuery(p.Target.RawQuery, r.URL.RawQuery)
	}
	out.Host = "" // use the target's host, as an upstream behind virtual hosting expects
	out.RequestURI = ""
	out.Close = false
	return out
}

// keepUpgrade restores the two headers a WebSocket handshake needs after the hop-by-hop
// sweep removed them. Other upgrades (h2c above all, a known way around proxies' checks)
// are not passed on.
func keepUpgrade(out, in http.Header) {
	if !strings.EqualFold(hopbyhop.UpgradeType(in), "websocket") {
		return
	}
	out.Set("Connection", "Upgrade")
	out.Set("Upgrade", "websocket")
}

func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := proxyerr.Write(w, err)
	if code != proxyerr.StatusClientClosedRequest {
		p.logger().Warn("handmade proxy: upstream request failed",
			"method", r.Method, "path", r.URL.Path, "upstream", p.Target.Host, "status", code, "err", err)
	}
}

// DefaultTransport is http.DefaultTransport without transparent compression. Left on,
// the Transport would ask the upstream for gzip on the client's behalf and hand the
// proxy an unzipped body without Content-Encoding: bytes the client never asked to pay
// for in CPU, and a response that is no longer the upstream's.
var DefaultTransport http.RoundTripper = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	return t
}()

func (p *Proxy) transport() http.RoundTripper {
	if p.Transport == nil {
		return DefaultTransport
	}
	return p.Transport
}

func (p *Proxy) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.Default()
	}
	return p.Logger
}
