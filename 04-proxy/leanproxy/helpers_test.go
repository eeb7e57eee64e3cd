package leanproxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitLimit bounds every wait so that a broken transport fails a test instead of
// hanging it.
const waitLimit = 5 * time.Second

// peers records the client addresses an upstream saw, one per connection.
type peers struct {
	mu   sync.Mutex
	seen map[string]int
}

func (p *peers) add(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	p.seen[addr]++
}

func (p *peers) conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

// upstream starts an HTTP/1.1 server running h and records its peers.
func upstream(t *testing.T, h http.HandlerFunc) (*url.URL, *peers) {
	t.Helper()
	p := &peers{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.add(r.RemoteAddr)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u, p
}

// newTransport returns a lean transport over a fallback configured like a gateway's
// (compression off), closed at the end of the test.
func newTransport(t *testing.T, tune func(*http.Transport)) *Transport {
	t.Helper()
	fb := &http.Transport{DisableCompression: true}
	if tune != nil {
		tune(fb)
	}
	tr := New(fb)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// do sends a request through tr and returns the response with its body read.
func do(t *testing.T, tr http.RoundTripper, method, rawURL string, body io.Reader) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	res.Body.Close()
	return res, string(b)
}

// rawUpstream accepts connections and lets serve talk raw bytes on each, so a test can
// misbehave exactly as it needs (close early, answer twice, send 1xx).
func rawUpstream(t *testing.T, serve func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(waitLimit))
				serve(c, bufio.NewReader(c))
			})
		}
	})
	return ln.Addr().String()
}

// readRequest reads one request (and its body) from br.
func readRequest(br *bufio.Reader) (*http.Request, string, error) {
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(req.Body)
	return req, string(b), err
}

func mustWrite(t *testing.T, c net.Conn, s string) {
	if _, err := io.WriteString(c, s); err != nil {
		t.Errorf("upstream write: %v", err)
	}
}

func hostOf(u *url.URL) string { return u.Host }

func ok64(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, strings.Repeat("x", 64))
}
