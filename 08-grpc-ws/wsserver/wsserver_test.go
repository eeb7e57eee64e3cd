package wsserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/08-grpc-ws/wsserver"
)

const waitLimit = 10 * time.Second

// server is a wsserver handler with its graceful Shutdown.
type server interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request)
	Shutdown(ctx context.Context) error
	Len() int
}

func start(t *testing.T, s server) string {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dial(t *testing.T, u string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: waitLimit}
	c, _, err := d.DialContext(t.Context(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(waitLimit))
	return c
}

func closeErr(t *testing.T, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			ce, ok := err.(*websocket.CloseError)
			if !ok {
				t.Fatalf("ended with %v, want a close frame", err)
			}
			return ce
		}
	}
}

func TestEcho(t *testing.T) {
	c := dial(t, start(t, wsserver.NewEcho(wsserver.Config{})))
	for _, m := range []struct {
		mt  int
		msg string
	}{{websocket.TextMessage, "hello"}, {websocket.BinaryMessage, "\x00\xff"}} {
		if err := c.WriteMessage(m.mt, []byte(m.msg)); err != nil {
			t.Fatal(err)
		}
		mt, got, err := c.ReadMessage()
		if err != nil || mt != m.mt || string(got) != m.msg {
			t.Errorf("echo of %q: type %d %q, %v", m.msg, mt, got, err)
		}
	}
}

func TestGreeting(t *testing.T) {
	for _, s := range []server{
		wsserver.NewEcho(wsserver.Config{Greeting: "connected to echo-1"}),
		wsserver.NewHub(wsserver.Config{Greeting: "connected to echo-1"}),
	} {
		c := dial(t, start(t, s))
		if _, got, err := c.ReadMessage(); err != nil || string(got) != "connected to echo-1" {
			t.Errorf("%T: first message %q, %v; want the greeting", s, got, err)
		}
	}
}

func TestEchoCloseCommand(t *testing.T) {
	tests := []struct {
		name, cmd string
		wantCode  int
		wantText  string
		wantEcho  bool
	}{
		{"application code with reason", "close 4000 done here", 4000, "done here", false},
		{"normal closure", "close 1000", 1000, "", false},
		{"reserved code is echoed, not obeyed", "close 1006 x", 0, "", true},
		{"not a number is echoed", "close soon", 0, "", true},
	}
	u := start(t, wsserver.NewEcho(wsserver.Config{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, u)
			if err := c.WriteMessage(websocket.TextMessage, []byte(tt.cmd)); err != nil {
				t.Fatal(err)
			}
			if tt.wantEcho {
				if _, got, err := c.ReadMessage(); err != nil || string(got) != tt.cmd {
					t.Errorf("got %q, %v; want the command echoed", got, err)
				}
				return
			}
			if ce := closeErr(t, c); ce.Code != tt.wantCode || ce.Text != tt.wantText {
				t.Errorf("close %d %q, want %d %q", ce.Code, ce.Text, tt.wantCode, tt.wantText)
			}
		})
	}
}

func TestMessageLimit(t *testing.T) {
	c := dial(t, start(t, wsserver.NewEcho(wsserver.Config{MaxMessageSize: 16})))
	if err := c.WriteMessage(websocket.TextMessage, make([]byte, 17)); err != nil {
		t.Fatal(err)
	}
	if ce := closeErr(t, c); ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("close %d, want 1009", ce.Code)
	}
}

func TestHubBroadcastsToEveryMember(t *testing.T) {
	hub := wsserver.NewHub(wsserver.Config{})
	u := start(t, hub)
	members := []*websocket.Conn{dial(t, u), dial(t, u), dial(t, u)}
	waitFor(t, func() bool { return hub.Len() == 3 })
	if err := members[1].WriteMessage(websocket.TextMessage, []byte("hi all")); err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		if _, got, err := m.ReadMessage(); err != nil || string(got) != "hi all" {
			t.Errorf("member %d got %q, %v", i, got, err)
		}
	}
	if n, err := hub.Broadcast(websocket.TextMessage, []byte("from the server")); err != nil || n != 3 {
		t.Errorf("Broadcast reached %d, %v; want 3", n, err)
	}
	for i, m := range members {
		if _, got, err := m.ReadMessage(); err != nil || string(got) != "from the server" {
			t.Errorf("member %d got %q, %v", i, got, err)
		}
	}
}

// TestShutdownSendsGoingAway: both servers end their connections with 1001, not a cut.
func TestShutdownSendsGoingAway(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    server
	}{
		{"echo", wsserver.NewEcho(wsserver.Config{})},
		{"hub", wsserver.NewHub(wsserver.Config{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.s)
			defer srv.Close()
			c := dial(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
			waitFor(t, func() bool { return tt.s.Len() == 1 })
			got := make(chan *websocket.CloseError, 1)
			go func() {
				_, _, err := c.ReadMessage()
				ce, _ := err.(*websocket.CloseError)
				got <- ce
			}()
			ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
			defer cancel()
			if err := tt.s.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if ce := <-got; ce == nil || ce.Code != websocket.CloseGoingAway {
				t.Errorf("client got %+v, want 1001", ce)
			}
		})
	}
}

// waitFor polls cond: the server registers a connection just after the handshake the
// client has already seen complete, and offers no event to wait on.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(time.Millisecond)
	}
}
