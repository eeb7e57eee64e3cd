package leanserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/04-proxy/leanserver"
	"gatewaylab/04-proxy/proxytest"
	"gatewaylab/04-proxy/reverseproxy"
)

// TestBehaviour runs stage 04's behaviour table with the production reverse proxy
// served by leanserver: the front-end server must not change one observable behaviour
// (trailers, streaming, upgrades, cancellation, error statuses).
func TestBehaviour(t *testing.T) {
	proxytest.RunServed(t, func(tb testing.TB, target *url.URL, trust *forwarded.Trust, tr http.RoundTripper) http.Handler {
		p, err := reverseproxy.New(reverseproxy.Config{Target: target, Trust: trust, Transport: tr})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}, serveURL)
}

// echoHandler answers with what it was asked, for the framing tests.
func framingHandler(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if v := q.Get("cl"); v != "" {
		w.Header().Set("Content-Length", v)
	}
	if v := q.Get("status"); v != "" {
		code, _ := strconv.Atoi(v)
		w.WriteHeader(code)
	}
	n, _ := strconv.Atoi(q.Get("n"))
	io.WriteString(w, strings.Repeat("x", n))
}

func TestFraming(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(framingHandler))
	tests := []struct {
		name, request string
		method        string
		wantStatus    int
		wantCL        int64 // -1: no Content-Length
		wantTE        []string
		wantBody      int
		wantClose     bool
	}{
		{"short body gets a length", "GET /?n=5 HTTP/1.1\r\nHost: a\r\n\r\n", "GET", 200, 5, nil, 5, false},
		{"long body is chunked", "GET /?n=5000 HTTP/1.1\r\nHost: a\r\n\r\n", "GET", 200, -1, []string{"chunked"}, 5000, false},
		{"declared length is kept", "GET /?n=5000&cl=5000 HTTP/1.1\r\nHost: a\r\n\r\n", "GET", 200, 5000, nil, 5000, false},
		{"nothing written is an empty 200", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET", 200, 0, nil, 0, false},
		{"204 has no body and no length", "GET /?status=204 HTTP/1.1\r\nHost: a\r\n\r\n", "GET", 204, 0, nil, 0, false},
		{"HEAD sends no body", "HEAD /?n=5&cl=5 HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD", 200, 5, nil, 0, false},
		{"HTTP/1.0 without keep-alive closes", "GET /?n=5000 HTTP/1.0\r\n\r\n", "GET", 200, -1, nil, 5000, true},
		{"Connection: close is honoured", "GET /?n=5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "GET", 200, 5, nil, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readResponses(t, exchange(t, addr, tt.request), tt.method)
			if len(res) != 1 {
				t.Fatalf("%d responses, want 1", len(res))
			}
			r := res[0]
			if r.StatusCode != tt.wantStatus || r.ContentLength != tt.wantCL || fmt.Sprint(r.TransferEncoding) != fmt.Sprint(tt.wantTE) ||
				len(bodyOf(r)) != tt.wantBody || r.Close != tt.wantClose {
				t.Errorf("status %d, length %d, TE %v, close %v; want %d, %d, %v, %v (body length %d)",
					r.StatusCode, r.ContentLength, r.TransferEncoding, r.Close, tt.wantStatus, tt.wantCL, tt.wantTE, tt.wantClose, tt.wantBody)
			}
			if r.Header.Get("Date") == "" {
				t.Error("no Date header")
			}
		})
	}
}

// Two requests in one write (pipelining) and one more after: three responses, in
// order, on one connection.
func TestKeepAliveAndPipelining(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	io.WriteString(c, "GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n")
	io.WriteString(c, "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	raw, _ := io.ReadAll(c)
	res := readResponses(t, string(raw), "GET")
	var got []string
	for _, r := range res {
		got = append(got, bodyOf(r))
	}
	if fmt.Sprint(got) != "[/one /two /three]" {
		t.Errorf("bodies %v, want [/one /two /three]", got)
	}
}

// What the server refuses before any handler runs, with net/http's statuses.
func TestRefusals(t *testing.T) {
	reached := make(chan string, 10)
	_, addr := start(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { reached <- r.RequestURI }),
		func(s *leanserver.Server) { s.MaxHeaderBytes = 1024 })
	tests := []struct {
		name, request string
		want          int
	}{
		{"missing Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"malformed Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"control byte in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400},
		{"space in a name", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: v\r\n\r\n", 400},
		{"HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"headers too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("a", 8000) + "\r\n\r\n", 431},
		{"unknown transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"two lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"bad chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0}, // the handler may see it; the body read fails
		{"Expect other than 100-continue", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\na", 417},
		{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := exchange(t, addr, tt.request)
			if tt.want == 0 {
				<-reached // served; only the body read fails
				return
			}
			res := readResponses(t, raw, "GET")
			if len(res) != 1 || res[0].StatusCode != tt.want || !res[0].Close {
				t.Fatalf("got %q, want one %d that closes", raw, tt.want)
			}
			select {
			case uri := <-reached:
				t.Errorf("the handler saw %q", uri)
			default:
			}
		})
	}
}

// A response header value cannot end its line and start another.
func TestHeaderValuesCannotSplitTheResponse(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Evil", "a\r\nSet-Cookie: stolen=1")
		w.Header()["Bad Name"] = []string{"v"}
	}))
	res := readResponses(t, exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "GET")
	if len(res) != 1 || res[0].Header.Get("Set-Cookie") != "" || res[0].Header.Get("X-Evil") != "a  Set-Cookie: stolen=1" {
		t.Fatalf("headers %v", res[0].Header)
	}
}

// The handler's fields come first, sorted, then what the server adds (Date, a length it
// found), in net/http's order: the same response reads the same from either server.
func TestHeaderOrder(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-B", "2")
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-A", "1")
		io.WriteString(w, "hi")
	}))
	raw := exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	var names []string
	for _, line := range strings.Split(head, "\r\n")[1:] {
		name, _, _ := strings.Cut(line, ":")
		names = append(names, name)
	}
	if got := strings.Join(names, " "); got != "Content-Type X-A X-B Date Content-Length Connection" {
		t.Errorf("header order %q", got)
	}
}
