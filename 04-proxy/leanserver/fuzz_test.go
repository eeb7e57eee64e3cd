package leanserver_test

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzServe sends arbitrary bytes to a running server as a client would. Whatever
// comes in, the server must not crash or hang, everything it sends back must parse as
// HTTP/1.1 responses, and it must go on serving a well-formed request afterwards.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n",
		"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
		"GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n",
		"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n folded: x\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	_, addr := start(f, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.Header().Set("X-Read", strings.Repeat("r", int(n%7)))
		io.WriteString(w, r.Method+" "+r.URL.Path)
	}))
	f.Fuzz(func(t *testing.T, in []byte) {
		raw := exchange(t, addr, string(in))
		br := bufio.NewReader(strings.NewReader(raw))
		for {
			if _, err := br.Peek(1); err != nil {
				break
			}
			res, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
			if err != nil {
				t.Fatalf("unparsable response to %q: %v in %q", in, err, raw)
			}
			if _, err := io.Copy(io.Discard, res.Body); err != nil {
				t.Fatalf("unparsable response body to %q: %v in %q", in, err, raw)
			}
		}
		res := readResponses(t, exchange(t, addr, "GET /alive HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), "GET")
		if len(res) != 1 || bodyOf(res[0]) != "GET /alive" {
			t.Fatalf("after %q the server no longer serves", in)
		}
	})
}
