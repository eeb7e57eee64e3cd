package leanproxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// FuzzWriteRequest checks the hand-written serialisation against net/http's parser:
// whatever writeRequest accepts must parse back to the same method, URI, Host, header
// value and body; whatever it refuses must be refused with one of its errors.
func FuzzWriteRequest(f *testing.F) {
	f.Add("GET", "users/42", "q=go", "X-Trace", "abc", "")
	f.Add("POST", "submit", "", "Content-Type", "text/plain", "payload")
	f.Add("", "a b/ü", "x=%20&y", "X-Empty", "  padded\t", "")
	f.Add("PUT", "", "", "Connection", "close", "body")
	f.Add("G T", "x", "a b", "Bad Name", "v\r\nX-Injected: 1", "")
	f.Fuzz(func(t *testing.T, method, path, query, name, value, body string) {
		u := &url.URL{Scheme: "http", Host: "upstream:80", Path: "/" + path, RawQuery: query}
		req := &http.Request{Method: method, URL: u, Header: http.Header{}}
		name = http.CanonicalHeaderKey(name)
		req.Header[name] = []string{value}
		if body != "" {
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		}
		var wire bytes.Buffer
		bw := bufio.NewWriter(&wire)
		err := writeRequest(bw, req)
		if err != nil {
			for _, want := range []error{ErrInvalidMethod, ErrInvalidURI, ErrInvalidHeaderName, ErrInvalidHeaderValue} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error kind: %v", err)
		}
		bw.Flush()
		got, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire.Bytes())))
		if err != nil {
			t.Fatalf("net/http cannot parse what was written: %v\n%q", err, wire.Bytes())
		}
		checkParsed(t, req, got, name, value, body)
	})
}

func checkParsed(t *testing.T, sent, got *http.Request, name, value, body string) {
	t.Helper()
	wantMethod := sent.Method
	if wantMethod == "" {
		wantMethod = http.MethodGet
	}
	if got.Method != wantMethod || got.RequestURI != sent.URL.RequestURI() || got.Host != "upstream:80" {
		t.Fatalf("parsed %q %q %q, sent %q %q", got.Method, got.RequestURI, got.Host, wantMethod, sent.URL.RequestURI())
	}
	if !headersWeWrite[name] && name != "Connection" && strings.Join(got.Header[name], ",") != strings.Trim(value, " \t") {
		t.Fatalf("header %s = %q, sent %q", name, got.Header[name], value)
	}
	b, err := io.ReadAll(got.Body)
	if err != nil || string(b) != body {
		t.Fatalf("body %q (%v), sent %q", b, err, body)
	}
}

// FuzzResponse feeds arbitrary bytes to the transport as an upstream's answer and
// compares what it makes of them with net/http's own reading of the same bytes.
func FuzzResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 200 OK\r\n\r\nuntil close"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := reference(data)
		got, gotErr := throughTransport(t, data)
		if (wantErr != nil) != (gotErr != nil) {
			t.Fatalf("net/http: %q, %v; lean: %q, %v", want, wantErr, got, gotErr)
		}
		if wantErr == nil && got != want {
			t.Fatalf("net/http read %q, lean read %q", want, got)
		}
	})
}

// reference reads a response as net/http would, skipping informational ones, and
// summarises it.
func reference(data []byte) (string, error) {
	br := bufio.NewReader(bytes.NewReader(data))
	req := &http.Request{Method: http.MethodGet}
	for range max1xxResponses + 1 {
		res, err := http.ReadResponse(br, req)
		if err != nil {
			return "", err
		}
		if res.StatusCode >= 100 && res.StatusCode < 200 && res.StatusCode != 101 {
			continue
		}
		return summarise(res)
	}
	return "", errors.New("too many 1xx")
}

func throughTransport(t *testing.T, data []byte) (string, error) {
	var wg sync.WaitGroup
	defer wg.Wait()
	tr := New(&http.Transport{DisableCompression: true, DialContext: func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		wg.Go(func() {
			defer server.Close()
			if _, err := http.ReadRequest(bufio.NewReader(server)); err == nil {
				server.Write(data)
			}
		})
		return client, nil
	}})
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://pipe:80/", nil)
	res, err := tr.RoundTrip(req)
	if err != nil {
		return "", err
	}
	if res.StatusCode == http.StatusSwitchingProtocols {
		res.Body.Close() // a tunnel, not a body: nothing to compare
		return "", errors.New("101")
	}
	return summarise(res)
}

func summarise(res *http.Response) (string, error) {
	if res.StatusCode == http.StatusSwitchingProtocols {
		return "", errors.New("101")
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return "", err
	}
	return res.Status + "|" + string(b) + "|" + res.Trailer.Get("X-T"), nil
}
