// Package testhttp is the tests' shared harness: real servers on loopback, a real
// reverse proxy, and one way to send a request and read the whole answer. Only _test
// files import it.
package testhttp

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
)

// Serve starts a real server for h on 127.0.0.1 and closes it when the test ends.
// net/http's own error log (for example "panic serving ...") is discarded.
func Serve(tb testing.TB, h http.Handler) *httptest.Server {
	tb.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv
}

// Build calls a middleware package's New and fails the test on a config error.
func Build[C any](tb testing.TB, newFn func(http.Handler, C) (http.Handler, error), next http.Handler, cfg C) http.Handler {
	tb.Helper()
	h, err := newFn(next, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// Proxy is the gateway's reverse proxy to target, with its error log discarded.
func Proxy(tb testing.TB, target string) http.Handler {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	return &httputil.ReverseProxy{
		Rewrite:  func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

// Response is a whole answer.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends a request with the test's context and reads the whole answer. body may be
// nil. It fails the test on a transport error, so call it from the test goroutine.
func Do(tb testing.TB, method, url string, header http.Header, body io.Reader) Response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, url, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Get is Do for a GET without a body.
func Get(tb testing.TB, url string, header http.Header) Response {
	tb.Helper()
	return Do(tb, http.MethodGet, url, header, nil)
}

// Form is Do for a POST of an urlencoded form.
func Form(tb testing.TB, url string, header http.Header, form string) Response {
	tb.Helper()
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return Do(tb, http.MethodPost, url, h, strings.NewReader(form))
}
