package proxytest

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"gatewaylab/04-proxy/forwarded"
)

// waitLimit bounds every wait in the table so that a broken proxy fails a case instead
// of hanging the test binary.
const waitLimit = 5 * time.Second

// upstream starts an HTTP server for h and returns its URL.
func upstream(t *testing.T, h http.HandlerFunc) *url.URL {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// frontend serves the proxy under test on a real loopback socket and returns its URL.
func frontend(t *testing.T, f Factory, target *url.URL, trust *forwarded.Trust, transport http.RoundTripper) *url.URL {
	t.Helper()
	if transport == nil {
		tr := &http.Transport{DisableCompression: true}
		t.Cleanup(tr.CloseIdleConnections)
		transport = tr
	}
	h := f(t, target, trust, transport)
	var base string
	if s, ok := h.(served); ok {
		base = s.serve(t, s.Handler)
	} else {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		base = srv.URL
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// rawRoundTrip writes req byte for byte to addr and parses the response, so a case
// controls exactly which headers are on the wire (net/http's client would tidy them).
func rawRoundTrip(t *testing.T, addr, req string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body := readAll(t, res)
	return res, body
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		n, err := res.Body.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			return buf
		}
	}
}

// get sends a GET through the proxy with net/http's client.
func get(t *testing.T, u *url.URL, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res, readAll(t, res)
}

// recv waits for a value on ch, failing the case after waitLimit.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}
