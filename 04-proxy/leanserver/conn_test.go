package leanserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/04-proxy/leanserver"
)

// The client waits for "100 Continue" before it sends the body; the server sends it
// when the handler first reads, and not at all when the handler answers without
// reading (then the connection closes: the body will never come).
func TestExpectContinue(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/refuse" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "got "+string(b))
	}))
	t.Run("read", func(t *testing.T) {
		c := dial(t, addr)
		io.WriteString(c, "POST /read HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("first line %q, %v", line, err)
		}
		br.ReadString('\n') // the blank line after it
		io.WriteString(c, "hello")
		res, err := http.ReadResponse(br, nil)
		if err != nil || bodyOf(res) != "got hello" || res.Close {
			t.Fatalf("response %v, %v", res, err)
		}
	})
	t.Run("refuse", func(t *testing.T) {
		res := readResponses(t, exchange(t, addr, "POST /refuse HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"), "POST")
		if len(res) != 1 || res[0].StatusCode != 403 || !res[0].Close {
			t.Fatalf("got %v", res)
		}
	})
}

// 103 Early Hints goes out before the final response, with its own header.
func TestInformational(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		io.WriteString(w, "page")
	}))
	raw := exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	hints, final, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok || !strings.HasPrefix(hints, "HTTP/1.1 103 Early Hints\r\n") || !strings.Contains(hints, "Link: </style.css>; rel=preload") {
		t.Fatalf("no 103 first: %q", raw)
	}
	res := readResponses(t, final, "GET")
	if len(res) != 1 || res[0].StatusCode != 200 || res[0].Header.Get("Link") != "" || bodyOf(res[0]) != "page" {
		t.Fatalf("final response of %q", raw)
	}
}

// Trailers announced in the Trailer header and set with http.TrailerPrefix arrive
// after a chunked body.
func TestTrailers(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "body")
		w.Header().Set("X-Checksum", "abc")
		w.Header().Set(http.TrailerPrefix+"X-Late", "late")
	}))
	res := readResponses(t, exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "GET")
	if len(res) != 1 {
		t.Fatal("no response")
	}
	if got := res[0].Trailer; got.Get("X-Checksum") != "abc" || got.Get("X-Late") != "late" {
		t.Errorf("trailers %v", got)
	}
	if res[0].Header.Get("X-Checksum") != "" {
		t.Error("the trailer was also sent as a header")
	}
}

// A body the handler did not read: a small one is skipped and the connection kept; a
// large one ends the connection, and the response still arrives whole.
func TestUnreadBody(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	small := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"
	res := readResponses(t, exchange(t, addr, small+small), "POST")
	if len(res) != 2 || res[0].Close || bodyOf(res[1]) != "ok" {
		t.Fatalf("small unread bodies: %d responses", len(res))
	}
	c := dial(t, addr)
	big := strings.Repeat("x", 1<<20)
	go io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n"+big) // may fail once the server closes
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || bodyOf(r) != "ok" || !r.Close {
		t.Fatalf("large unread body: %v, %v", r, err)
	}
}

// A hijacked connection is the handler's: the server neither writes to it nor closes it.
func TestHijack(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		go func() {
			defer conn.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
			brw.Flush()
			line, _ := brw.ReadString('\n')
			brw.WriteString("echo: " + line)
			brw.Flush()
		}()
	}))
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nping\n")
	got, _ := io.ReadAll(c)
	if !strings.HasSuffix(string(got), "\r\n\r\necho: ping\n") {
		t.Fatalf("got %q", got)
	}
}

// A panicking handler closes its connection; the server goes on serving others.
func TestPanic(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic(http.ErrAbortHandler) // the quiet kind: no stack in the log
		}
		io.WriteString(w, "fine")
	}))
	if raw := exchange(t, addr, "GET /panic HTTP/1.1\r\nHost: a\r\n\r\n"); raw != "" {
		t.Errorf("a panicking handler's connection got %q", raw)
	}
	if res := readResponses(t, exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "GET"); len(res) != 1 || bodyOf(res[0]) != "fine" {
		t.Error("the server stopped serving after a panic")
	}
}

// Shutdown closes idle connections at once, lets a request in progress finish with
// Connection: close, and returns when it has.
func TestShutdown(t *testing.T) {
	inHandler, release := make(chan struct{}), make(chan struct{})
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(inHandler)
			<-release
		}
		io.WriteString(w, "done")
	}))
	idle := dial(t, addr)
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if _, err := http.ReadResponse(bufio.NewReader(idle), nil); err != nil {
		t.Fatal(err)
	}
	busy := dial(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	recv(t, inHandler, "the slow request to start")

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	if n, err := idle.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: read %d, %v; want it closed", n, err)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a request was in progress", err)
	default:
	}
	close(release)
	res, err := http.ReadResponse(bufio.NewReader(busy), nil)
	if err != nil || bodyOf(res) != "done" || !res.Close {
		t.Fatalf("request in progress: %v, %v", res, err)
	}
	if err := recv(t, shut, "Shutdown to return"); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("still accepting after Shutdown")
	}
}

// A kept-alive connection that stays idle past IdleTimeout is closed.
func TestIdleTimeout(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		func(s *leanserver.Server) { s.IdleTimeout = 50 * time.Millisecond })
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	if _, err := http.ReadResponse(br, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("read after the idle timeout: %v; want EOF", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("closed after %v", waited) // bound only: the close must come from the timeout, not the test's deadline
	}
}

// A request running longer than WatchAfter sees its context cancelled when the client
// goes away; the handler must not run on to its end.
func TestClientGoneCancelsSlowRequest(t *testing.T) {
	started, cancelled := make(chan struct{}), make(chan struct{})
	_, addr := start(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(waitLimit):
		}
	}))
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	recv(t, started, "the handler to start")
	c.Close()
	recv(t, cancelled, "the request's context to be cancelled")
}

// A connection that opens with the HTTP/2 preface goes, bytes intact, to the H2C server.
func TestH2CHandOver(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	h2c := &http.Server{Handler: h, Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	_, addr := start(t, h, func(s *leanserver.Server) { s.H2C = h2c })

	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	for _, client := range []*http.Client{{Transport: tr}, {}} {
		res, err := client.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		if got := bodyOf(res); got != res.Proto {
			t.Errorf("a %s client was served as %s", res.Proto, got)
		}
		res.Body.Close()
	}
}

// A handler may refuse a request from its headers alone (413 for a declared length
// over a limit): the answer comes at once, while the client still holds its body back,
// and the connection then closes (the body will not be read as a next request).
func TestAnswerBeforeTheBody(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > 1<<20 {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		io.WriteString(w, "ok")
	}))
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 104857600\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || res.StatusCode != http.StatusRequestEntityTooLarge || !res.Close {
		t.Fatalf("got %v, %v; want a 413 that closes", res, err)
	}
}

// A body that fails while the handler reads it (the read timeout) ends the
// connection: the server does not go on reading it.
func TestFailedBodyCloses(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "slow body", http.StatusRequestTimeout)
			return
		}
		io.WriteString(w, "ok")
	}), func(s *leanserver.Server) { s.ReadTimeout = 100 * time.Millisecond })
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nonly a little")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || res.StatusCode != http.StatusRequestTimeout || !res.Close {
		t.Fatalf("got %v, %v; want a 408 that closes", res, err)
	}
}

// A body that arrives slowly, read while the watch's timer fires (every WatchAfter):
// the watch must leave the connection to the body's reader until the body is done, so
// every byte reaches the handler and the race detector sees no shared access.
func TestSlowBodyWithWatch(t *testing.T) {
	firstPart := make(chan struct{})
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 5)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			t.Errorf("first part: %v", err)
			return
		}
		close(firstPart)
		rest, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("rest: %v", err)
		}
		io.WriteString(w, string(buf)+string(rest))
	}))
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
	recv(t, firstPart, "the handler to read the first part")
	time.Sleep(3 * leanserver.WatchAfter) // pacing a slow client, not synchronisation: the watch fires meanwhile
	io.WriteString(c, "world")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || bodyOf(res) != "helloworld" {
		t.Fatalf("got %v, %v", res, err)
	}
}
