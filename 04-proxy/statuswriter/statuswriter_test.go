package statuswriter_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaylab/04-proxy/statuswriter"
)

// serve runs handler behind a Recorder on a real loopback server and returns what the
// Recorder saw once the handler has returned.
func serve(t *testing.T, handler http.HandlerFunc) (<-chan *statuswriter.Recorder, string) {
	t.Helper()
	seen := make(chan *statuswriter.Recorder, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := statuswriter.New(w)
		defer func() { seen <- rec }()
		handler(rec, r)
	}))
	t.Cleanup(srv.Close)
	return seen, srv.URL
}

func TestRecorder(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int // what the Recorder reports
		wantBytes  int64
		wantWire   int // what the client received
		wantBody   string
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 0, 0, 200, ""},
		{"implicit 200", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") }, 200, 5, 200, "hello"},
		{"explicit status", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(503)
			_, _ = io.WriteString(w, "no")
		}, 503, 2, 503, "no"},
		{"1xx is not final", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(103)
			w.WriteHeader(204)
		}, 204, 0, 204, ""},
		{"flush commits 200", func(w http.ResponseWriter, _ *http.Request) { w.(http.Flusher).Flush() }, 200, 0, 200, ""},
		{"second status ignored", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(404)
			w.WriteHeader(500) // net/http logs "superfluous" and keeps 404
		}, 404, 0, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen, url := serve(t, tt.handler)
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			rec := <-seen
			if rec.Status() != tt.wantStatus || rec.Bytes() != tt.wantBytes {
				t.Errorf("recorded status, bytes = %d, %d; want %d, %d", rec.Status(), rec.Bytes(), tt.wantStatus, tt.wantBytes)
			}
			if resp.StatusCode != tt.wantWire || string(body) != tt.wantBody {
				t.Errorf("client got %d %q; want %d %q", resp.StatusCode, body, tt.wantWire, tt.wantBody)
			}
			if rec.Hijacked() {
				t.Error("Hijacked() = true without a hijack")
			}
		})
	}
}

// A flush through the Recorder reaches the client while the handler is still running.
func TestFlushStreams(t *testing.T) {
	release := make(chan struct{})
	seen, url := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first line before the handler finished = %q, %v", line, err)
	}
	close(release)
	if rec := <-seen; rec.Status() != 200 || rec.Bytes() != int64(len("first\nsecond\n")) {
		t.Errorf("status, bytes = %d, %d", rec.Status(), rec.Bytes())
	}
}

// A hijack (what a WebSocket or CONNECT tunnel does) is recorded, and the connection
// really is the handler's afterwards.
func TestHijack(t *testing.T) {
	seen, url := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: demo\r\nConnection: Upgrade\r\n\r\nraw bytes")
		_ = brw.Flush()
	})
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: demo\r\n\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second)) // a bound, not synchronisation
	got, _ := io.ReadAll(conn)
	if !strings.HasSuffix(string(got), "\r\n\r\nraw bytes") {
		t.Errorf("client read %q", got)
	}
	rec := <-seen
	if !rec.Hijacked() || !rec.Written() || rec.Status() != 0 {
		t.Errorf("hijacked, written, status = %v, %v, %d; want true, true, 0", rec.Hijacked(), rec.Written(), rec.Status())
	}
}

// Unwrap lets http.ResponseController reach deadlines on the real connection.
func TestUnwrapReachesConnection(t *testing.T) {
	seen, url := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through the Recorder: %v", err)
		}
		w.WriteHeader(http.StatusAccepted)
	})
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec := <-seen; rec.Status() != http.StatusAccepted {
		t.Errorf("status = %d", rec.Status())
	}
}
