package reliability_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// testH2CUpgrade: an "Upgrade: h2c" request is forwarded as a plain request, without
// Upgrade or HTTP2-Settings (Traefik GHSA-w4v4-9rw7-5326, where forwarding them let a
// backend turn the connection into a tunnel past every middleware); a backend that
// answers 101 anyway gets no tunnel; and cleartext HTTP/2 with prior knowledge goes
// through the same routes and checks as HTTP/1.1.
func testH2CUpgrade(t *testing.T, e *attackEnv) {
	const settings = "AAMAAABkAARAAAAAAAIAAAAA"
	t.Run("upgrade_not_forwarded", func(t *testing.T) {
		for _, conn := range []string{"Upgrade, HTTP2-Settings", "Upgrade"} {
			id := "h2c-" + conn
			raw := crlf("GET /h2c HTTP/1.1\nHost: x\nX-Test-Id: " + id + "\nConnection: " + conn +
				"\nUpgrade: h2c\nHTTP2-Settings: " + settings + "\n\n")
			ex := rawExchange(t, e.addr.Web, raw, 500*time.Millisecond)
			if ex.First() != 200 {
				t.Fatalf("Connection: %s: got %v, want a plain 200 (no 101 from the gateway)", conn, ex.Statuses)
			}
			got := e.public.WithHeader("X-Test-Id", id)
			if len(got) != 1 {
				t.Fatalf("Connection: %s: the backend received %d requests, want 1", conn, len(got))
			}
			for _, h := range []string{"Upgrade", "Http2-Settings", "Connection"} {
				if v := got[0].Header.Values(h); len(v) > 0 {
					t.Errorf("Connection: %s: the backend received %s: %q", conn, h, v)
				}
			}
		}
	})
	t.Run("backend_101_gets_no_tunnel", func(t *testing.T) {
		for _, upgrade := range []string{"", "websocket"} {
			raw := "GET /rogue HTTP/1.1\nHost: x\n"
			if upgrade != "" {
				raw += "Connection: Upgrade\nUpgrade: " + upgrade + "\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n"
			}
			raw = crlf(raw+"\n") + smuggled
			ex := rawExchange(t, e.addr.Web, raw, 500*time.Millisecond)
			if len(ex.Statuses) == 0 || ex.First() == http.StatusSwitchingProtocols {
				t.Errorf("upgrade %q: got %v; the gateway switched protocols for a backend that was not asked to", upgrade, ex.Statuses)
			}
		}
		if n := e.rogue.tunneled.Load(); n > 0 {
			t.Errorf("the rogue backend received %d bytes through a tunnel", n)
		}
		e.secretUntouched(t, "rogue 101")
	})
	t.Run("prior_knowledge_checked", func(t *testing.T) {
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		defer tr.CloseIdleConnections()
		c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
		res, err := c.Get("http://" + e.addr.Web + "/admin/h2c")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.ProtoMajor != 2 || res.StatusCode != 401 {
			t.Fatalf("h2c prior knowledge to /admin: %s %d, want HTTP/2 401", res.Proto, res.StatusCode)
		}
		e.secretUntouched(t, "h2c prior knowledge")
	})
}

// rogue is a backend that answers every request with 101 Switching Protocols to h2c,
// and counts what it receives after that (bytes a tunnel would carry).
type rogue struct {
	addr     string
	tunneled atomic.Int64
}

func startRogue(t *testing.T) *rogue {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &rogue{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return r
}

func (r *rogue) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	if _, err := http.ReadRequest(br); err != nil {
		return
	}
	io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
	n, _ := io.Copy(io.Discard, br)
	r.tunneled.Add(n)
}
