package wsproxy_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/wsproxy"
)

// TestEchoThroughProxy: text and binary messages cross the proxy with their type, the
// backend's subprotocol choice reaches the client, and the backend sees the proxy's
// forwarding headers but not the browser's Origin.
func TestEchoThroughProxy(t *testing.T) {
	b, addr := newRecordingBackend(t, "b1")
	_, u := startProxy(t, wsproxy.Config{}, addr)
	c := dialWS(t, u, http.Header{
		"Sec-Websocket-Protocol": {"chat.v2, chat.v1"},
		"X-Forwarded-For":        {"203.0.113.7"},
		"Cookie":                 {"session=abc"},
	})
	if c.Subprotocol() != "chat.v1" {
		t.Errorf("subprotocol %q, want chat.v1 as the backend chose", c.Subprotocol())
	}
	if _, hello, err := c.ReadMessage(); err != nil || string(hello) != "hello from b1" {
		t.Fatalf("greeting %q, %v", hello, err)
	}
	for _, tt := range []struct {
		name string
		mt   int
		msg  string
	}{
		{"text", websocket.TextMessage, "hello"},
		{"binary", websocket.BinaryMessage, "\x00\x01\xfe\xff"},
		{"empty", websocket.TextMessage, ""},
		{"large", websocket.BinaryMessage, strings.Repeat("x", 200<<10)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mt, got := roundTrip(t, c, tt.mt, tt.msg)
			if mt != tt.mt || got != tt.msg {
				t.Errorf("got type %d, %d bytes; want type %d, %d bytes", mt, len(got), tt.mt, len(tt.msg))
			}
		})
	}
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	ev := recv(t, b.events, "backend connection end")
	h := ev.header
	if got := h.Get("X-Forwarded-For"); got != "127.0.0.1" {
		t.Errorf("backend X-Forwarded-For %q, want 127.0.0.1 (the client's own value is not trusted)", got)
	}
	if h.Get("Cookie") != "session=abc" {
		t.Errorf("backend Cookie %q, want it passed on", h.Get("Cookie"))
	}
	if h.Get("Origin") != "" {
		t.Errorf("backend got Origin %q; the proxy checks origins and sends none", h.Get("Origin"))
	}
}

// TestBalancedPerConnection: each connection is balanced on its own: six connections
// over three backends with round robin give two each.
func TestBalancedPerConnection(t *testing.T) {
	_, a := newRecordingBackend(t, "a")
	_, b := newRecordingBackend(t, "b")
	_, c := newRecordingBackend(t, "c")
	_, u := startProxy(t, wsproxy.Config{}, a, b, c)
	counts := map[string]int{}
	for range 6 {
		conn := dialWS(t, u, nil)
		_, hello, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		counts[strings.TrimPrefix(string(hello), "hello from ")]++
	}
	if counts["a"] != 2 || counts["b"] != 2 || counts["c"] != 2 {
		t.Errorf("connections per backend %v, want 2 each", counts)
	}
}

// TestHandshakeRefusals: what the client gets when the proxy will not or cannot open a
// WebSocket.
func TestHandshakeRefusals(t *testing.T) {
	echo := startEcho(t)
	_, forbidding := newForbiddingBackend(t)
	tests := []struct {
		name     string
		backends []string
		cfg      wsproxy.Config
		header   http.Header
		want     int
	}{
		{"no backend", nil, wsproxy.Config{}, nil, http.StatusServiceUnavailable},
		{"backend down", []string{closedPort(t)}, wsproxy.Config{}, nil, http.StatusBadGateway},
		{"backend refuses with its own status", []string{forbidding}, wsproxy.Config{}, nil, http.StatusForbidden},
		{"same-host origin accepted by default", []string{echo}, wsproxy.Config{},
			http.Header{"Origin": {"http://{host}"}}, http.StatusSwitchingProtocols},
		{"other origin refused by default", []string{echo}, wsproxy.Config{},
			http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"listed origin accepted", []string{echo}, wsproxy.Config{AllowedOrigins: []string{"https://App.Example.com"}},
			http.Header{"Origin": {"https://app.example.com"}}, http.StatusSwitchingProtocols},
		{"unlisted origin refused", []string{echo}, wsproxy.Config{AllowedOrigins: []string{"https://app.example.com"}},
			http.Header{"Origin": {"http://app.example.com"}}, http.StatusForbidden},
		{"null origin refused", []string{echo}, wsproxy.Config{}, http.Header{"Origin": {"null"}}, http.StatusForbidden},
		{"any origin with *", []string{echo}, wsproxy.Config{AllowedOrigins: []string{"*"}},
			http.Header{"Origin": {"https://evil.example"}}, http.StatusSwitchingProtocols},
		{"no origin (not a browser)", []string{echo}, wsproxy.Config{}, nil, http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, u := startProxy(t, tt.cfg, tt.backends...)
			h := tt.header.Clone()
			if o := h.Get("Origin"); strings.Contains(o, "{host}") {
				h.Set("Origin", strings.Replace(o, "{host}", hostOf(t, u), 1))
			}
			if got := dialStatus(t, u, h); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadOrigins(t *testing.T) {
	for _, o := range []string{"app.example.com", "ftp://x", "https://x/path", "https://user@x"} {
		_, err := wsproxy.New(wsproxy.Config{Balancer: nopBalancer(), AllowedOrigins: []string{o}})
		if err == nil {
			t.Errorf("New accepted allowed origin %q", o)
		}
	}
}

// TestOutcomesReported: the balancer hears about each connection once it ends (so a
// least-connections policy counts open WebSockets as in flight): 101 for a session,
// 502 with the error for a backend that could not be dialled.
func TestOutcomesReported(t *testing.T) {
	outcomes := make(chan balancer.Outcome, 8)
	lb := balancer.NewLeastConn(balancer.Options{Observer: balancer.OutcomeObserverFunc(
		func(_ *balancer.Endpoint, o balancer.Outcome) { outcomes <- o })})
	echo := startEcho(t)
	_, u := startProxy(t, wsproxy.Config{Balancer: lb}, echo)

	c := dialWS(t, u, nil)
	if mt, got := roundTrip(t, c, websocket.TextMessage, "x"); mt != websocket.TextMessage || got != "x" {
		t.Fatalf("echo %q", got)
	}
	select {
	case o := <-outcomes:
		t.Fatalf("outcome %+v reported while the session is open", o)
	default:
	}
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(waitLimit))
	if o := recv(t, outcomes, "session outcome"); o.Status != http.StatusSwitchingProtocols || o.Err != nil {
		t.Errorf("session outcome %+v, want 101 without error", o)
	}

	if err := lb.Update([]balancer.Target{{Addr: closedPort(t), Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := dialStatus(t, u, nil); got != http.StatusBadGateway {
		t.Fatalf("status %d, want 502", got)
	}
	if o := recv(t, outcomes, "dial outcome"); o.Status != http.StatusBadGateway || o.Err == nil || !o.Failed() {
		t.Errorf("dial outcome %+v, want a failed 502 with its error", o)
	}
}
