package accesslog_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
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
