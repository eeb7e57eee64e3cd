package leanproxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestReusesConnection(t *testing.T) {
	target, seen := upstream(t, ok64)
	tr := newTransport(t, nil)
	for range 5 {
		res, body := do(t, tr, http.MethodGet, target.String(), nil)
		if res.StatusCode != http.StatusOK || len(body) != 64 {
			t.Fatalf("status %d, %d bytes", res.StatusCode, len(body))
		}
	}
	if n := seen.conns(); n != 1 {
		t.Errorf("upstream saw %d connections for 5 sequential requests, want 1", n)
	}
	if n := tr.fallbacks.Load(); n != 0 {
		t.Errorf("%d requests took the fallback", n)
	}
}

func TestBodylessResponsesKeepConnection(t *testing.T) {
	target, seen := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/204":
			w.WriteHeader(http.StatusNoContent)
		case "/304":
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("Content-Length", "11")
			io.WriteString(w, "hello world")
		}
	})
	tr := newTransport(t, nil)
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"HEAD with Content-Length", http.MethodHead, "/", 200},
		{"204 No Content", http.MethodGet, "/204", 204},
		{"304 Not Modified", http.MethodGet, "/304", 304},
		{"GET after them", http.MethodGet, "/", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(t, tr, tt.method, target.String()+tt.path, nil)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if want := map[bool]string{true: "hello world"}[tt.method == http.MethodGet && tt.status == 200]; body != want {
				t.Errorf("body %q, want %q", body, want)
			}
		})
	}
	if n := seen.conns(); n != 1 {
		t.Errorf("upstream saw %d connections, want 1 (body-less responses must not spoil it)", n)
	}
}

func TestConnectionCloseIsHonoured(t *testing.T) {
	target, seen := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	tr := newTransport(t, nil)
	for range 3 {
		if _, body := do(t, tr, http.MethodGet, target.String(), nil); body != "bye" {
			t.Fatalf("body %q", body)
		}
	}
	if n := seen.conns(); n != 3 {
		t.Errorf("upstream saw %d connections, want 3 (one per Connection: close)", n)
	}
	if n := tr.pool(hostOf(target)).idleCount(); n != 0 {
		t.Errorf("%d idle connections kept after Connection: close", n)
	}
}

func TestChunkedBodyAndTrailers(t *testing.T) {
	target, seen := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "part one, ")
		http.NewResponseController(w).Flush() // forces chunked framing
		io.WriteString(w, "part two")
		w.Header().Set("X-Sum", "42")
	})
	tr := newTransport(t, nil)
	for range 2 {
		res, body := do(t, tr, http.MethodGet, target.String(), nil)
		if body != "part one, part two" {
			t.Errorf("body %q", body)
		}
		if got := res.Trailer.Get("X-Sum"); got != "42" {
			t.Errorf("trailer X-Sum = %q, want 42", got)
		}
	}
	if n := seen.conns(); n != 1 {
		t.Errorf("upstream saw %d connections, want 1", n)
	}
}

func TestRequestBodies(t *testing.T) {
	target, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("upstream read: %v", err)
		}
		io.WriteString(w, r.Method+" "+strings.Join(r.TransferEncoding, ",")+" "+string(b[:min(len(b), 8)]))
	})
	big := strings.Repeat("b", MaxInlineBody+1)
	tests := []struct {
		name     string
		body     io.Reader
		want     string
		fallback int64
	}{
		{"small body of known length", strings.NewReader("payload"), "POST  payload", 0},
		{"body larger than MaxInlineBody", strings.NewReader(big), "POST  bbbbbbbb", 1},
		{"body of unknown length", io.MultiReader(strings.NewReader("streamed")), "POST chunked streamed", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTransport(t, nil)
			if _, got := do(t, tr, http.MethodPost, target.String(), tt.body); got != tt.want {
				t.Errorf("upstream answered %q, want %q", got, tt.want)
			}
			if n := tr.fallbacks.Load(); n != tt.fallback {
				t.Errorf("fallback used %d times, want %d", n, tt.fallback)
			}
		})
	}
}

// TestStalePooledConnection: the upstream answers one request per connection and then
// closes it without saying so. The next request finds a dead pooled connection; a GET
// is retried on a fresh one, and a POST (which cannot be retried) is saved by the
// liveness probe before it is sent.
func TestStalePooledConnection(t *testing.T) {
	closed := make(chan struct{}, 4)
	addr := rawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		defer func() { closed <- struct{}{} }()
		defer c.Close()
		if _, _, err := readRequest(br); err != nil {
			return
		}
		mustWrite(t, c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	tr := newTransport(t, nil)
	for i, method := range []string{http.MethodGet, http.MethodGet, http.MethodPost, http.MethodPost} {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader("x")
		}
		if res, got := do(t, tr, method, "http://"+addr+"/", body); res.StatusCode != 200 || got != "ok" {
			t.Fatalf("request %d (%s): status %d body %q", i, method, res.StatusCode, got)
		}
		<-closed // the pooled connection is dead before the next request takes it
	}
	if n := tr.pool(addr).idleCount(); n != 1 {
		t.Errorf("%d idle connections, want 1 (the last, dead one, not yet found out)", n)
	}
}

func TestEarlyClose(t *testing.T) {
	target, seen := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		n := 100
		if r.URL.Path == "/big" {
			n = 1 << 20
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		io.WriteString(w, strings.Repeat("z", n))
	})
	tests := []struct {
		path  string
		conns int // after two requests closed after reading 10 bytes
	}{
		{"/small", 1}, // the rest is already buffered: drained, connection reused
		{"/big", 2},   // the rest is still on the wire: connection closed
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := seen.conns()
			tr := newTransport(t, nil)
			for range 2 {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, target.String()+tt.path, nil)
				res, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(res.Body, make([]byte, 10)); err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if _, err := res.Body.Read(make([]byte, 1)); err == nil {
					t.Error("Read after Close succeeded")
				}
			}
			if got := seen.conns() - before; got != tt.conns {
				t.Errorf("upstream saw %d new connections, want %d", got, tt.conns)
			}
		})
	}
}

func TestCancelDuringBody(t *testing.T) {
	release := make(chan struct{})
	target, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	tr := newTransport(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.ReadFull(res.Body, make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(res.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v, want context.Canceled", err)
	}
}

func TestInformationalResponses(t *testing.T) {
	addr := rawUpstream(t, func(c net.Conn, br *bufio.Reader) {
		if _, _, err := readRequest(br); err != nil {
			return
		}
		mustWrite(t, c, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"+
			"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")
	})
	tr := newTransport(t, nil)
	var hints []string
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, strconv.Itoa(code)+" "+h.Get("Link"))
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, "http://"+addr+"/", nil)
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "done" {
		t.Errorf("final response %d %q", res.StatusCode, b)
	}
	if len(hints) != 1 || hints[0] != "103 </s.css>; rel=preload" {
		t.Errorf("1xx seen by the trace: %q", hints)
	}
}

func TestHeaderTooLarge(t *testing.T) {
	target, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Big", strings.Repeat("h", 8<<10))
	})
	tr := newTransport(t, func(fb *http.Transport) { fb.MaxResponseHeaderBytes = 4 << 10 })
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, target.String(), nil)
	if _, err := tr.RoundTrip(req); !errors.Is(err, ErrHeaderTooLarge) {
		t.Errorf("err %v, want ErrHeaderTooLarge", err)
	}
}

func TestRefusesUnsafeRequests(t *testing.T) {
	target, seen := upstream(t, ok64)
	tr := newTransport(t, nil)
	tests := []struct {
		name string
		edit func(*http.Request)
		want error
	}{
		{"line break in a value", func(r *http.Request) { r.Header.Set("X-A", "1\r\nX-Injected: yes") }, ErrInvalidHeaderValue},
		{"space in a name", func(r *http.Request) { r.Header["Bad Name"] = []string{"v"} }, ErrInvalidHeaderName},
		{"line break in Host", func(r *http.Request) { r.Host = "a\r\nb" }, ErrInvalidHost},
		{"space in the query", func(r *http.Request) { r.URL.RawQuery = "a=1 HTTP/1.1" }, ErrInvalidURI},
		{"bad method", func(r *http.Request) { r.Method = "GE T" }, ErrInvalidMethod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, target.String(), nil)
			tt.edit(req)
			if _, err := tr.RoundTrip(req); !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
	if n := seen.conns(); n != 0 {
		t.Errorf("the upstream received %d connections' worth of requests, want none", n)
	}
}

func TestMaxIdlePerHost(t *testing.T) {
	release := make(chan struct{})
	var arrived sync.WaitGroup
	arrived.Add(3)
	target, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release
	})
	tr := newTransport(t, func(fb *http.Transport) { fb.MaxIdleConnsPerHost = 1 })
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { do(t, tr, http.MethodGet, target.String(), nil) })
	}
	arrived.Wait() // three connections in use at once
	close(release)
	wg.Wait()
	if n := tr.pool(hostOf(target)).idleCount(); n != 1 {
		t.Errorf("%d idle connections, want MaxIdleConnsPerHost = 1", n)
	}
}

func TestTakes(t *testing.T) {
	h2c := new(http.Protocols)
	h2c.SetUnencryptedHTTP2(true)
	get := func(raw string) *http.Request {
		u, _ := url.Parse(raw)
		return &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}}
	}
	tests := []struct {
		name string
		tune func(*http.Transport)
		req  func() *http.Request
		want bool
	}{
		{"plain GET", nil, func() *http.Request { return get("http://a:1/") }, true},
		{"https", nil, func() *http.Request { return get("https://a:1/") }, false},
		{"h2c upstream", func(f *http.Transport) { f.Protocols = h2c }, func() *http.Request { return get("http://a:1/") }, false},
		{"per-host cap", func(f *http.Transport) { f.MaxConnsPerHost = 4 }, func() *http.Request { return get("http://a:1/") }, false},
		{"Expect: 100-continue", nil, func() *http.Request {
			r := get("http://a:1/")
			r.Header.Set("Expect", "100-continue")
			return r
		}, false},
		{"request trailers", nil, func() *http.Request {
			r := get("http://a:1/")
			r.Trailer = http.Header{"X-T": nil}
			return r
		}, false},
		{"compressing fallback, no Accept-Encoding", func(f *http.Transport) { f.DisableCompression = false },
			func() *http.Request { return get("http://a:1/") }, false},
		{"compressing fallback, client's Accept-Encoding", func(f *http.Transport) { f.DisableCompression = false },
			func() *http.Request {
				r := get("http://a:1/")
				r.Header.Set("Accept-Encoding", "br")
				return r
			}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTransport(t, tt.tune)
			if got := tr.takes(tt.req()); got != tt.want {
				t.Errorf("takes = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTraceHooks: the lean path tells an httptrace.ClientTrace what net/http's
// Transport would, so tools built on it (and tests that watch the pool) keep working.
func TestTraceHooks(t *testing.T) {
	target, _ := upstream(t, ok64)
	tr := newTransport(t, nil)
	for i, wantReused := range []bool{false, true} {
		var events []string
		trace := &httptrace.ClientTrace{
			GetConn: func(hostPort string) { events = append(events, "GetConn "+hostPort) },
			GotConn: func(info httptrace.GotConnInfo) {
				events = append(events, "GotConn reused="+strconv.FormatBool(info.Reused))
			},
			WroteHeaders:         func() { events = append(events, "WroteHeaders") },
			WroteRequest:         func(info httptrace.WroteRequestInfo) { events = append(events, "WroteRequest") },
			GotFirstResponseByte: func() { events = append(events, "GotFirstResponseByte") },
		}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, target.String(), nil)
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		want := []string{"GetConn " + target.Host, "GotConn reused=" + strconv.FormatBool(wantReused),
			"WroteHeaders", "WroteRequest", "GotFirstResponseByte"}
		if strings.Join(events, "; ") != strings.Join(want, "; ") {
			t.Errorf("request %d: events %q, want %q", i, events, want)
		}
	}
}
