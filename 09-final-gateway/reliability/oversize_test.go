package reliability_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// testOversize: requests over the listener's header limit (8 KiB here) get 431 and
// bodies over the route's limit get 413, before the excess is read and without the
// backend receiving more than the limit.
func testOversize(t *testing.T, e *attackEnv) {
	// net/http allows 4 KiB of slack over MaxHeaderBytes (its bufio reader's size), so
	// "over the limit" here means well over it.
	big := strings.Repeat("a", 16<<10)
	many := strings.Builder{}
	for i := range 2000 {
		fmt.Fprintf(&many, "X-H-%d: v\r\n", i)
	}
	for _, tc := range []struct{ name, raw string }{
		{"one_huge_header", "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"},
		{"many_headers", "GET /x HTTP/1.1\r\nHost: x\r\n" + many.String() + "\r\n"},
		{"huge_request_line", "GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"huge_cookie", "GET /x HTTP/1.1\r\nHost: x\r\nCookie: a=" + big + "\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.public.Count()
			ex := rawExchange(t, e.addr.Web, tc.raw, 2*time.Second)
			if ex.First() != 431 || !ex.Closed {
				t.Errorf("got %v (closed %v), want 431 and the connection closed", ex.Statuses, ex.Closed)
			}
			if e.public.Count() != before {
				t.Errorf("the backend received the oversize request")
			}
		})
	}
	t.Run("many_small_headers_within_limit", func(t *testing.T) {
		h := hdr("X-Test-Id", "hundred-headers")
		for i := range 100 {
			h.Set(fmt.Sprintf("X-H-%d", i), "v")
		}
		wantStatus(t, get(t, e.addr.Web, "/x", h), 200)
		if got := e.public.WithHeader("X-Test-Id", "hundred-headers"); len(got) != 1 || got[0].Header.Get("X-H-99") != "v" {
			t.Fatalf("the backend did not receive the 100 headers intact")
		}
	})
	t.Run("declared_body_over_limit", func(t *testing.T) { testDeclaredBody(t, e) })
	t.Run("chunked_body_over_limit", func(t *testing.T) { testChunkedBody(t, e) })
}

// testDeclaredBody: a Content-Length over the limit is refused from the headers alone:
// the gateway answers 413 while the client has not sent a byte of its body.
func testDeclaredBody(t *testing.T, e *attackEnv) {
	for _, tc := range []struct {
		name, path, expect string
		length             int64
	}{
		{"route_limit", "/upload/x", "", 100 << 20},
		{"default_10MiB_limit", "/x", "", 11 << 20},
		{"expect_100_continue", "/upload/x", "Expect: 100-continue\r\n", 100 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := rand.Text()[:12]
			raw := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nX-Test-Id: %s\r\n%sContent-Length: %d\r\n\r\n", tc.path, id, tc.expect, tc.length)
			ex := rawExchange(t, e.addr.Web, raw, 2*time.Second)
			if ex.First() != 413 {
				t.Errorf("got %v, want 413 before the body was sent", ex.Statuses)
			}
			if got := e.public.WithHeader("X-Test-Id", id); len(got) > 0 {
				t.Errorf("the backend received the request: %+v", got[0])
			}
		})
	}
}

// testChunkedBody: a chunked body has no length to check up front; it is counted as
// it streams and cut at the limit. The client gets 413 and the backend never gets a
// complete body over the limit.
func testChunkedBody(t *testing.T, e *attackEnv) {
	id := rand.Text()[:12]
	c, err := net.DialTimeout("tcp", e.addr.Web, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /upload/x HTTP/1.1\r\nHost: x\r\nX-Test-Id: "+id+"\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := fmt.Sprintf("%x\r\n%s\r\n", 4096, strings.Repeat("b", 4096))
	sent := 0
	for range 256 { // up to 1 MiB; the gateway stops reading long before
		c.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := io.WriteString(c, chunk); err != nil {
			break
		}
		sent += 4096
	}
	ex := readResponses(c, 2*time.Second)
	if ex.First() != 413 {
		t.Errorf("after %d bytes: got %v, want 413", sent, ex.Statuses)
	}
	for _, r := range e.public.WithHeader("X-Test-Id", id) {
		if r.BodyLen > 1024 || r.BodyErr == "" {
			t.Errorf("the backend received a %d-byte body (error %q), want at most the 1 KiB limit, cut", r.BodyLen, r.BodyErr)
		}
	}
}
