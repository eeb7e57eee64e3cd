package wsproxy_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/08-grpc-ws/wsproxy"
)

// TestCloseCodesPropagate: however one side ends the WebSocket, the other side learns
// it with the right code: a close frame is relayed with its code and reason (and the
// answer relayed back), a side that vanishes is reported as 1001 or 1011.
func TestCloseCodesPropagate(t *testing.T) {
	tests := []struct {
		name        string
		act         func(t *testing.T, c *websocket.Conn)
		wantClient  *websocket.CloseError // nil: the client does not read a close frame
		wantBackend int
		wantText    string
	}{
		{"client closes with 4001", func(t *testing.T, c *websocket.Conn) {
			closeWith(t, c, 4001, "client bye")
		}, &websocket.CloseError{Code: 4001, Text: "client bye"}, 4001, "client bye"},
		{"client closes normally", func(t *testing.T, c *websocket.Conn) {
			closeWith(t, c, websocket.CloseNormalClosure, "")
		}, &websocket.CloseError{Code: websocket.CloseNormalClosure}, websocket.CloseNormalClosure, ""},
		{"client close frame without a code", func(t *testing.T, c *websocket.Conn) {
			if err := c.WriteControl(websocket.CloseMessage, nil, time.Now().Add(waitLimit)); err != nil {
				t.Fatal(err)
			}
		}, &websocket.CloseError{Code: websocket.CloseNoStatusReceived}, websocket.CloseNoStatusReceived, ""},
		{"backend vanishes", func(t *testing.T, c *websocket.Conn) {
			if err := c.WriteMessage(websocket.TextMessage, []byte("die")); err != nil {
				t.Fatal(err)
			}
		}, &websocket.CloseError{Code: websocket.CloseInternalServerErr, Text: "backend connection failed"},
			websocket.CloseAbnormalClosure, ""},
		{"client vanishes", func(t *testing.T, c *websocket.Conn) {
			c.NetConn().Close()
		}, nil, websocket.CloseGoingAway, "client went away"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, addr := newRecordingBackend(t, "b")
			_, u := startProxy(t, wsproxy.Config{}, addr)
			c := dialWS(t, u, nil)
			if _, _, err := c.ReadMessage(); err != nil { // the greeting: the session is up
				t.Fatal(err)
			}
			tt.act(t, c)
			if tt.wantClient != nil {
				if got := readClose(t, c); *got != *tt.wantClient {
					t.Errorf("client got close %d %q, want %d %q", got.Code, got.Text, tt.wantClient.Code, tt.wantClient.Text)
				}
			}
			ev := recv(t, b.events, "backend connection end")
			code, text := websocket.CloseAbnormalClosure, ""
			if ev.close != nil {
				code, text = ev.close.Code, ev.close.Text
			}
			if code != tt.wantBackend || text != tt.wantText {
				t.Errorf("backend got close %d %q, want %d %q", code, text, tt.wantBackend, tt.wantText)
			}
		})
	}
}

// TestBackendCloseReachesClient: a close the backend starts (the echo server's
// "close CODE REASON" command) reaches the client with its code and reason.
func TestBackendCloseReachesClient(t *testing.T) {
	_, u := startProxy(t, wsproxy.Config{}, startEcho(t))
	c := dialWS(t, u, nil)
	if err := c.WriteMessage(websocket.TextMessage, []byte("close 4002 server bye")); err != nil {
		t.Fatal(err)
	}
	if got := readClose(t, c); got.Code != 4002 || got.Text != "server bye" {
		t.Errorf("client got close %d %q, want 4002 \"server bye\"", got.Code, got.Text)
	}
}

func closeWith(t *testing.T, c *websocket.Conn, code int, text string) {
	t.Helper()
	msg := websocket.FormatCloseMessage(code, text)
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
}

// TestMessageTooBig: a message above MaxMessageSize closes the sender's side with 1009
// and the backend is told the client went away.
func TestMessageTooBig(t *testing.T) {
	b, addr := newRecordingBackend(t, "b")
	_, u := startProxy(t, wsproxy.Config{MaxMessageSize: 1 << 10}, addr)
	c := dialWS(t, u, nil)
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(websocket.BinaryMessage, make([]byte, 2<<10)); err != nil {
		t.Fatal(err)
	}
	if got := readClose(t, c); got.Code != websocket.CloseMessageTooBig {
		t.Errorf("client got close %d, want 1009", got.Code)
	}
	if ev := recv(t, b.events, "backend end"); ev.close == nil || ev.close.Code != websocket.CloseGoingAway {
		t.Errorf("backend got %+v, want 1001", ev.close)
	}
}

// TestHeartbeat: the proxy pings an idle client; a client that answers stays; one that
// goes deaf (stops reading, so answers no ping) is dropped after PongTimeout and the
// backend is told it went away.
func TestHeartbeat(t *testing.T) {
	b, addr := newRecordingBackend(t, "b")
	_, u := startProxy(t, wsproxy.Config{PingInterval: 20 * time.Millisecond, PongTimeout: 200 * time.Millisecond}, addr)

	c := dialWS(t, u, nil)
	pings := make(chan struct{}, 100)
	c.SetPingHandler(func(data string) error {
		pings <- struct{}{}
		return c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(waitLimit))
	})
	reading := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage() // the greeting
		for err == nil {
			_, _, err = c.ReadMessage() // nothing more comes: this only answers pings
		}
		reading <- err
	}()
	for range 15 { // 15 intervals: far past PongTimeout, so pongs are what keeps it open
		recv(t, pings, "a ping from the proxy")
	}
	c.NetConn().SetReadDeadline(time.Now()) // now go deaf: the reader stops, no more pongs
	recv(t, reading, "reader end")
	ev := recv(t, b.events, "backend end after the client went deaf")
	if ev.close == nil || ev.close.Code != websocket.CloseGoingAway {
		t.Errorf("backend got %+v, want 1001 going away", ev.close)
	}
}

// TestShutdownSendsCloseFrames: Shutdown tells every client and backend 1001 "going
// away", waits for their answers, and refuses new connections meanwhile and after.
func TestShutdownSendsCloseFrames(t *testing.T) {
	b, addr := newRecordingBackend(t, "b")
	p, u := startProxy(t, wsproxy.Config{}, addr)
	const n = 5
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conns[i] = dialWS(t, u, nil)
		if _, _, err := conns[i].ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	if p.Len() != n {
		t.Fatalf("Len %d, want %d", p.Len(), n)
	}
	closes := make(chan *websocket.CloseError, n)
	for _, c := range conns {
		go func() { closes <- readCloseQuiet(c) }() // the client answers the close frame as it reads it
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for range n {
		if got := recv(t, closes, "client close frame"); got == nil || got.Code != websocket.CloseGoingAway {
			t.Errorf("client got %+v, want 1001", got)
		}
		if ev := recv(t, b.events, "backend end"); ev.close == nil || ev.close.Code != websocket.CloseGoingAway {
			t.Errorf("backend got %+v, want 1001", ev.close)
		}
	}
	if p.Len() != 0 {
		t.Errorf("Len %d after Shutdown, want 0", p.Len())
	}
	if got := dialStatus(t, u, nil); got != http.StatusServiceUnavailable {
		t.Errorf("new connection after Shutdown: %d, want 503", got)
	}
}

// readCloseQuiet is readClose for goroutines: nil when the end was not a close frame.
func readCloseQuiet(c *websocket.Conn) *websocket.CloseError {
	for {
		_, _, err := c.ReadMessage()
		if err != nil {
			ce, _ := err.(*websocket.CloseError)
			return ce
		}
	}
}
