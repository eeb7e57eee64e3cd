package leanserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/04-proxy/leanserver"
)

// Regression tests for what a review of this package found (all now fixed).

// A body still being read after its request ended (net/http's Transport reads request
// bodies on its own goroutine and may outlive the handler) must fail, not read through
// buffers that by then serve another client's connection.
func TestLateBodyReadIsDetached(t *testing.T) {
	late := make(chan error, 1)
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > 1<<20 {
			go func() {
				<-r.Context().Done() // the request is over
				_, err := r.Body.Read(make([]byte, 64))
				late <- err
			}()
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		io.WriteString(w, "ok")
	}))
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n"+strings.Repeat("x", 1000))
	if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
		t.Fatal(err)
	}
	victim := dial(t, addr)
	io.WriteString(victim, "GET /victim HTTP/1.1\r\nHost: a\r\n\r\n")
	if err := recv(t, late, "the late read"); !errors.Is(err, http.ErrBodyReadAfterClose) {
		t.Errorf("late body read: %v; want http.ErrBodyReadAfterClose", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(victim), nil)
	if err != nil || bodyOf(res) != "ok" {
		t.Fatalf("the next client's request: %v, %v", res, err)
	}
}

// A Content-Length set after WriteHeader is ignored (as net/http ignores it): the
// framing on the wire is the one the server enforces, never two lengths or a length
// beside chunked encoding.
func TestContentLengthAfterWriteHeader(t *testing.T) {
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, strings.Repeat("y", map[string]int{"/big": 3000, "/small": 10}[r.URL.Path]))
	}))
	for path, want := range map[string]int{"/big": 3000, "/small": 10} {
		raw := exchange(t, addr, "GET "+path+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		head, _, _ := strings.Cut(raw, "\r\n\r\n")
		res := readResponses(t, raw, "GET")
		if strings.Count(head, "Content-Length") > 1 || strings.Contains(head, "Content-Length: 5") || len(res) != 1 || len(bodyOf(res[0])) != want {
			t.Errorf("%s: %q", path, head)
		}
	}
}

// The watch waits for the client only: a request running past the listener's
// ReadTimeout is not cancelled while its client is still connected.
func TestWatchIgnoresReadTimeout(t *testing.T) {
	done := make(chan error, 1)
	_, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			done <- r.Context().Err()
		case <-time.After(300 * time.Millisecond): // a slow upstream
			done <- nil
		}
		io.WriteString(w, "slow")
	}), func(s *leanserver.Server) { s.ReadTimeout = 100 * time.Millisecond })
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if err := recv(t, done, "the slow request"); err != nil {
		t.Fatalf("the request was cancelled (%v) with its client connected", err)
	}
	if res, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || bodyOf(res) != "slow" {
		t.Fatalf("response: %v, %v", res, err)
	}
}

// A hijacked connection is the handler's: Shutdown neither waits for it nor closes it.
func TestShutdownLeavesHijacked(t *testing.T) {
	hijacked := make(chan struct{})
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		go func() {
			defer conn.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
			brw.Flush()
			close(hijacked)
			line, _ := brw.ReadString('\n')
			brw.WriteString("still here: " + line)
			brw.Flush()
		}()
	}))
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
	recv(t, hijacked, "the hijack")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown waited for a hijacked connection: %v", err)
	}
	io.WriteString(c, "ping\n")
	got, _ := io.ReadAll(c)
	if !strings.HasSuffix(string(got), "still here: ping\n") {
		t.Errorf("the tunnel after Shutdown: %q", got)
	}
}
