package reliability_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// reply is a finished HTTP exchange through the gateway.
type reply struct {
	Status int
	Header http.Header
	Body   string
}

// oneShot sends every request on a fresh connection, so that one test's connection
// state (a limit, a half-read body) never leaks into the next.
var oneShot = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// do sends method path (as written: dot segments and escapes are not cleaned) with
// header and body to the listener at addr. A transport error fails the test.
func do(t testing.TB, addr, method, path string, header http.Header, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h
	}
	res, err := oneShot.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// get is do for a GET without a body.
func get(t testing.TB, addr, path string, header http.Header) reply {
	t.Helper()
	return do(t, addr, http.MethodGet, path, header, "")
}

// wantStatus fails the test unless r has status want.
func wantStatus(t testing.TB, r reply, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body %q", r.Status, want, r.Body)
	}
}

// hdr builds a header from name, value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}
