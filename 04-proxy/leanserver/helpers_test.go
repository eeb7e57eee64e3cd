package leanserver_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/04-proxy/leanserver"
)

// waitLimit bounds every wait so that a broken server fails a test instead of hanging.
const waitLimit = 5 * time.Second

// start serves h with a leanserver on a loopback port until the test ends, and
// returns the server and its address.
func start(tb testing.TB, h http.Handler, configure ...func(*leanserver.Server)) (*leanserver.Server, string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &leanserver.Server{Handler: h}
	for _, c := range configure {
		c(s)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	tb.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
	})
	return s, ln.Addr().String()
}

// serveURL is a proxytest.Serve that uses a leanserver.
func serveURL(tb testing.TB, h http.Handler) string {
	_, addr := start(tb, h)
	return "http://" + addr
}

// exchange writes raw to a new connection to addr, closes the writing half, and
// returns everything the server sent until it closed the connection.
func exchange(tb testing.TB, addr, raw string) string {
	tb.Helper()
	c := dial(tb, addr)
	if _, err := io.WriteString(c, raw); err != nil {
		tb.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		tb.Fatalf("reading the response: %v (got %q)", err, b)
	}
	return string(b)
}

func dial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(waitLimit)) // a bound, not synchronisation
	return c
}

// readResponses parses every response in raw, answering requests of method.
func readResponses(tb testing.TB, raw, method string) []*http.Response {
	tb.Helper()
	br := bufio.NewReader(strings.NewReader(raw))
	var out []*http.Response
	for {
		if _, err := br.Peek(1); err != nil {
			return out
		}
		res, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			tb.Fatalf("response %d: %v in %q", len(out)+1, err, raw)
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			tb.Fatalf("response %d body: %v in %q", len(out)+1, err, raw)
		}
		res.Body = io.NopCloser(strings.NewReader(string(body)))
		out = append(out, res)
	}
}

func bodyOf(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		tb.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}
