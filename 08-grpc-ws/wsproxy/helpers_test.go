package wsproxy_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/internal/testkit"
	"gatewaylab/08-grpc-ws/wsproxy"
	"gatewaylab/08-grpc-ws/wsserver"
)

// waitLimit bounds every wait, so a broken proxy fails a test instead of hanging it.
const waitLimit = testkit.WaitLimit

// shutdowner is a WebSocket server with a graceful Shutdown (wsserver's, wsproxy's).
type shutdowner interface {
	http.Handler
	Shutdown(ctx context.Context) error
}

// serveWS serves h on loopback until the test ends; at the end its WebSockets are shut
// down first (httptest.Server.Close does not wait for hijacked connections).
func serveWS(t testing.TB, h shutdowner) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	return srv
}

// startEcho starts a wsserver echo backend and returns its host:port.
func startEcho(t testing.TB) string {
	t.Helper()
	return hostOf(t, serveWS(t, wsserver.NewEcho(wsserver.Config{})).URL)
}

func hostOf(t testing.TB, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// startProxy starts a proxy over backends (round robin unless cfg.Balancer is set)
// and returns it with its ws:// URL.
func startProxy(t testing.TB, cfg wsproxy.Config, backends ...string) (*wsproxy.Proxy, string) {
	t.Helper()
	if cfg.Balancer == nil {
		cfg.Balancer = balancer.NewRoundRobin(balancer.Options{})
	}
	targets := make([]balancer.Target, len(backends))
	for i, b := range backends {
		targets[i] = balancer.Target{Addr: b, Weight: 1}
	}
	if err := cfg.Balancer.Update(targets); err != nil {
		t.Fatal(err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p, err := wsproxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := serveWS(t, p)
	return p, "ws" + strings.TrimPrefix(srv.URL, "http")
}

// dialWS opens a WebSocket to u, closed when the test ends.
func dialWS(t testing.TB, u string, h http.Header) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: waitLimit}
	c, res, err := d.DialContext(t.Context(), u, h)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(waitLimit))
	return c
}

// dialStatus tries a handshake and returns the HTTP status it got.
func dialStatus(t testing.TB, u string, h http.Header) int {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: waitLimit}
	c, res, err := d.DialContext(t.Context(), u, h)
	if err == nil {
		c.Close()
		return http.StatusSwitchingProtocols
	}
	if res == nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	return res.StatusCode
}

// roundTrip sends one message and returns the answer.
func roundTrip(t testing.TB, c *websocket.Conn, mt int, msg string) (int, string) {
	t.Helper()
	if err := c.WriteMessage(mt, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	gotType, got, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	return gotType, string(got)
}

// readClose reads until the connection ends and returns the close frame received.
func readClose(t testing.TB, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		ce, ok := err.(*websocket.CloseError)
		if !ok {
			t.Fatalf("connection ended with %v, want a close frame", err)
		}
		return ce
	}
}

// recv waits for a value on ch, failing the test after waitLimit.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	return testkit.Recv(t, ch, what)
}

// backendEvent is what a recordingBackend saw on one connection.
type backendEvent struct {
	header http.Header
	close  *websocket.CloseError // how the connection ended; Code 1006 when it broke
}

// recordingBackend accepts WebSockets with subprotocol "chat.v1" on offer, greets with
// its name, echoes, and reports each connection's handshake and end. A text message
// "die" makes it drop the TCP connection without a close frame.
type recordingBackend struct {
	name     string
	upgrader websocket.Upgrader
	events   chan backendEvent
	handlers sync.WaitGroup
}

func newRecordingBackend(t testing.TB, name string) (*recordingBackend, string) {
	t.Helper()
	b := &recordingBackend{
		name:     name,
		upgrader: websocket.Upgrader{Subprotocols: []string{"chat.v1"}},
		events:   make(chan backendEvent, 2048),
	}
	srv := httptest.NewServer(b)
	t.Cleanup(func() {
		srv.Close()
		b.handlers.Wait() // the proxy, shut down before this cleanup runs, closed them all
	})
	return b, hostOf(t, srv.URL)
}

func (b *recordingBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.handlers.Add(1)
	defer b.handlers.Done()
	c, err := b.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(waitLimit))
	ev := backendEvent{header: r.Header.Clone()}
	defer func() { b.events <- ev }()
	c.SetCloseHandler(func(code int, text string) error { // answer with the same code and reason
		return c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	})
	if err := c.WriteMessage(websocket.TextMessage, []byte("hello from "+b.name)); err != nil {
		return
	}
	for {
		mt, msg, err := c.ReadMessage()
		if err != nil {
			ev.close, _ = err.(*websocket.CloseError)
			return
		}
		if string(msg) == "die" {
			c.NetConn().Close()
			continue
		}
		if err := c.WriteMessage(mt, msg); err != nil {
			return
		}
	}
}

// newForbiddingBackend answers every handshake with 403, as a backend that checks
// credentials itself would.
func newForbiddingBackend(t testing.TB) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	return srv, hostOf(t, srv.URL)
}

// closedPort returns a loopback address nothing listens on.
var closedPort = testkit.ClosedPort

// nopBalancer is an empty round robin, for configurations that are never served.
func nopBalancer() balancer.Balancer { return balancer.NewRoundRobin(balancer.Options{}) }
