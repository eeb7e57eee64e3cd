package proxytest

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func forwardsTrailers(t *testing.T, f Factory) {
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "body")
		w.Header().Set("X-Checksum", "abc123")
		w.Header().Set(http.TrailerPrefix+"X-Late", "undeclared")
	})
	proxy := frontend(t, f, target, nil, nil)
	res, body := get(t, proxy, "/", nil)
	if string(body) != "body" {
		t.Errorf("body %q", body)
	}
	if got := res.Trailer.Get("X-Checksum"); got != "abc123" {
		t.Errorf("declared trailer = %q, want abc123", got)
	}
	if got := res.Trailer.Get("X-Late"); got != "undeclared" {
		t.Errorf("undeclared trailer = %q, want it forwarded", got)
	}
}

// flushesEventStream: the upstream sends one event and then waits until the client has
// read it. A proxy that buffers the stream never delivers the event, and the case fails
// after waitLimit instead of hanging.
func flushesEventStream(t *testing.T, f Factory) {
	clientGotFirst := make(chan struct{})
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		http.NewResponseController(w).Flush()
		select {
		case <-clientGotFirst:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: second\n\n")
	})
	proxy := frontend(t, f, target, nil, nil)
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, proxy.String()+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("first event not delivered before the stream ended: %v", err)
	}
	if line != "data: first\n" {
		t.Fatalf("first line %q", line)
	}
	close(clientGotFirst)
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rest), "data: second") {
		t.Errorf("second event missing: %q", rest)
	}
}

func refusedGives502(t *testing.T, f Factory) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	proxy := frontend(t, f, &url.URL{Scheme: "http", Host: addr}, nil, nil)
	res, body := get(t, proxy, "/", nil)
	if res.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502", res.StatusCode)
	}
	if len(body) == 0 || strings.Contains(string(body), addr) {
		t.Errorf("body %q: want a clear message that does not leak the upstream address", body)
	}
}

func slowGives504(t *testing.T, f Factory) {
	release := make(chan struct{})
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the upstream's Close, which waits for this handler
	tr := &http.Transport{ResponseHeaderTimeout: 50 * time.Millisecond}
	t.Cleanup(tr.CloseIdleConnections)
	proxy := frontend(t, f, target, nil, tr)
	res, _ := get(t, proxy, "/", nil)
	if res.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("status %d, want 504", res.StatusCode)
	}
}

func cancellationReachesUpstream(t *testing.T, f Factory) {
	started, cancelled := make(chan struct{}), make(chan struct{})
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(waitLimit):
		}
	})
	proxy := frontend(t, f, target, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, proxy.String()+"/slow", nil)
	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	recv(t, started, "upstream to start")
	cancel()
	recv(t, cancelled, "upstream to see the cancellation")
	if err := recv(t, errc, "client to return"); err == nil {
		t.Error("client request succeeded after cancel")
	}
}
