package gateway_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
)

// response is a finished HTTP exchange through the gateway.
type response struct {
	Status int
	Header http.Header
	Body   string
	Proto  string
}

// Answer decodes the backend's report of what it received.
func (r response) Answer(t testing.TB) received {
	t.Helper()
	var rec received
	if err := json.Unmarshal([]byte(r.Body), &rec); err != nil {
		t.Fatalf("status %d, body %q is not a backend answer: %v", r.Status, r.Body, err)
	}
	return rec
}

// Backend names the backend that answered ("" for the gateway's own answers).
func (r response) Backend() string { return r.Header.Get("X-Backend") }

// client sends requests to one gateway listener.
type client struct {
	base string // "http://127.0.0.1:port"
	hc   *http.Client
}

func newClient(addr string) *client {
	return &client{base: "http://" + addr, hc: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
}

// req describes one request; zero fields take GET, no headers, no body.
type req struct {
	Method string
	Path   string // sent as written: dot segments and escapes are not cleaned
	Host   string
	Header http.Header
	Body   string
	// Chunked sends Body without a Content-Length (chunked transfer encoding).
	Chunked bool
}

// Do sends r and returns the response; a transport error fails the test.
func (c *client) Do(t testing.TB, r req) response {
	t.Helper()
	res, err := c.Try(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return res
}

// Get is Do for a plain GET.
func (c *client) Get(t testing.TB, path string) response {
	t.Helper()
	return c.Do(t, req{Path: path})
}

// Try sends r and returns the response or the transport error.
func (c *client) Try(r req) (response, error) {
	hr, err := http.NewRequest(cmpOr(r.Method, http.MethodGet), c.base+r.Path, bodyOf(r.Body, r.Chunked))
	if err != nil {
		return response{}, err
	}
	for k, vs := range r.Header {
		hr.Header[k] = vs
	}
	if r.Host != "" {
		hr.Host = r.Host
	}
	res, err := c.hc.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("read body: %w", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b), Proto: res.Proto}, nil
}

func bodyOf(s string, chunked bool) io.Reader {
	switch {
	case s == "":
		return nil
	case chunked:
		return io.MultiReader(strings.NewReader(s)) // a reader of unknown length
	}
	return strings.NewReader(s)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hdr builds a header from name, value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// newID makes a request id for finding a request at its backend (header X-E2e-Id).
func newID() string { return rand.Text()[:12] }

// wantStatus fails the test unless res has status want.
func wantStatus(t testing.TB, res response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %d, want %d; body %q", res.Status, want, res.Body)
	}
}

// eventually polls cond every few milliseconds until it holds, failing the test after
// within. cond returns a description of what it saw, for the failure message.
func eventually(t testing.TB, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v (last: %s)", what, within, saw)
		}
		time.Sleep(15 * time.Millisecond) // poll interval
	}
}

// metrics fetches the admin /metrics text.
func metrics(t testing.TB, admin string) string {
	t.Helper()
	res, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metricValue returns the value of the first sample of name whose labels include
// every one of labels (`route="api"`), or -1 when there is none (proc.Metrics.Value,
// shared with the reliability suite).
func metricValue(text, name string, labels ...string) float64 {
	return proc.Metrics(text).Value(name, labels...)
}
