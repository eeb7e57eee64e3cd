package handmade

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"gatewaylab/04-proxy/proxyerr"
)

// Minimal is step 1: a proxy that copies status, headers and body, and nothing more.
// It still forwards hop-by-hop headers, trusts nothing about the client and buffers
// streaming responses; Proxy fixes each of those. Use it to read, not to deploy.
type Minimal struct {
	// Target is the upstream's base URL, e.g. http://127.0.0.1:8081.
	Target *url.URL
	// Transport sends the request; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

func (m *Minimal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host = m.Target.Scheme, m.Target.Host
	out.Host = m.Target.Host
	out.RequestURI = "" // set on server requests; a client request must not have it

	transport := m.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	res, err := transport.RoundTrip(out)
	if err != nil {
		proxyerr.Write(w, err) // the course wrote nothing here: an empty 200
		return
	}
	defer res.Body.Close()

	for name, values := range res.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(res.StatusCode) // the course forgot this line: every answer was a 200
	if _, err := io.Copy(w, res.Body); err != nil {
		slog.Debug("minimal proxy: copy body", "err", err)
	}
}
