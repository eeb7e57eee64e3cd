package proxytest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// websocketUpgrade: the upstream completes a (minimal) WebSocket handshake by hijacking
// the connection, then echoes lines. Framing is irrelevant to a proxy after the 101, so
// plain lines stand in for frames.
func websocketUpgrade(t *testing.T, f Factory) {
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "want websocket upgrade", http.StatusBadRequest)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("upstream hijack: %v", err)
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(waitLimit)) // a proxy that never relays must not hang the upstream
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		for {
			line, err := brw.ReadString('\n')
			if err != nil {
				return
			}
			brw.WriteString("echo: " + line)
			brw.Flush()
		}
	})
	proxy := frontend(t, f, target, nil, nil)
	c, err := net.DialTimeout("tcp", proxy.Host, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(waitLimit))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d, want 101", res.StatusCode)
	}
	for _, msg := range []string{"hello\n", "world\n"} {
		io.WriteString(c, msg)
		got, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if got != "echo: "+msg {
			t.Errorf("got %q, want %q", got, "echo: "+msg)
		}
	}
}

// otherUpgradesDropped: "Upgrade: h2c" through a proxy lets a client talk HTTP/2 straight
// to the upstream, past whatever the proxy checks per request. It must not be forwarded.
func otherUpgradesDropped(t *testing.T, f Factory) {
	seen := make(chan http.Header, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) { seen <- r.Header.Clone() })
	proxy := frontend(t, f, target, nil, nil)
	res, _ := rawRoundTrip(t, proxy.Host, "GET / HTTP/1.1\r\nHost: x\r\n"+
		"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
	if res.StatusCode == http.StatusSwitchingProtocols {
		t.Fatal("proxy switched to h2c")
	}
	h := recv(t, seen, "upstream request")
	for _, name := range []string{"Upgrade", "Http2-Settings"} {
		if v := h.Get(name); v != "" {
			t.Errorf("%s reached the upstream: %q", name, v)
		}
	}
}
