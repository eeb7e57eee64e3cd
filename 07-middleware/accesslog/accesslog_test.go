package accesslog_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"gatewaylab/07-middleware/accesslog"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/requestid"
)

// lockedBuffer is written by the server goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

func TestOneJSONLinePerRequest(t *testing.T) {
	var out lockedBuffer
	tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { tick = tick.Add(1500 * time.Microsecond); return tick }
	h, err := chain.New(
		chain.Use(clientip.New, clientip.Config{}),
		chain.Use(requestid.New, requestid.Config{}),
		chain.Use(accesslog.New, accesslog.Config{Logger: slog.New(slog.NewJSONHandler(&out, nil)), Route: "orders", Now: clock}),
	).Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accesslog.SetUpstream(r.Context(), "10.0.0.7:8080")
		accesslog.AddAttrs(r.Context(), slog.String("app", "app_a"))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "created")
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	resp, err := srv.Client().Post(srv.URL+"/orders?secret=1", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close() // the handler, and its log line, are done

	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("log %q is not one JSON object: %v", out.Bytes(), err)
	}
	want := map[string]any{
		"msg": "request", "method": "POST", "path": "/orders", "status": 201.0, "bytes": 7.0,
		"duration": 1.5e6, "client_ip": "127.0.0.1", "route": "orders", "upstream": "10.0.0.7:8080",
		"app": "app_a", "request_id": resp.Header.Get("X-Request-Id"),
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v; want %v", k, line[k], v)
		}
	}
	if bytes.Contains(out.Bytes(), []byte("secret")) {
		t.Error("the query string was logged")
	}
}

// A handler that takes the connection over (a WebSocket upgrade through the proxy) is
// logged as 101, not as the empty 200 of a handler that wrote nothing.
func TestHijackedLoggedAs101(t *testing.T) {
	var out lockedBuffer
	h, err := accesslog.New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
		_ = brw.Flush()
	}), accesslog.Config{Logger: slog.New(slog.NewJSONHandler(&out, nil))})
	if err != nil {
		t.Fatal(err)
	}
	logged := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		close(logged)
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	<-logged
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("log %q is not one JSON object: %v", out.Bytes(), err)
	}
	if line["status"] != 101.0 {
		t.Errorf("status = %v; want 101", line["status"])
	}
}
