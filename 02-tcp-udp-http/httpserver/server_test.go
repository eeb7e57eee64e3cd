package httpserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/slowclient"
)

// running is a server started with httpserver.Run.
type running struct {
	addr     string
	stop     context.CancelFunc // starts the graceful shutdown
	finished chan struct{}      // closed when Run returns
	err      error              // Run's result, set before finished closes
}

// wait waits for Run to return and returns its result.
func (r *running) wait() error {
	<-r.finished
	return r.err
}

// start runs New(cfg, h) on a loopback port until the test ends.
func start(t testing.TB, cfg httpserver.Config, h http.Handler, grace time.Duration) *running {
	t.Helper()
	ln := testserve.Listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{addr: ln.Addr().String(), stop: cancel, finished: make(chan struct{})}
	srv := httpserver.New(cfg, h, testserve.QuietLogger)
	go func() {
		defer close(r.finished)
		r.err = httpserver.Run(ctx, srv, ln, grace)
	}()
	t.Cleanup(func() {
		cancel()
		r.wait()
	})
	return r
}

// limits is the part of an http.Server that New configures.
type limits struct {
	addr                          string
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
}

func limitsOf(s *http.Server) limits {
	return limits{s.Addr, s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes}
}

func TestNewSetsEveryLimit(t *testing.T) {
	tests := []struct {
		name string
		cfg  httpserver.Config
		want limits
	}{
		{
			name: "zero config gets the defaults",
			want: limits{"", httpserver.DefaultReadHeaderTimeout, httpserver.DefaultReadTimeout,
				httpserver.DefaultWriteTimeout, httpserver.DefaultIdleTimeout, httpserver.DefaultMaxHeaderBytes},
		},
		{
			name: "explicit values are kept; negative disables",
			cfg: httpserver.Config{Addr: "127.0.0.1:1", ReadHeaderTimeout: time.Second, ReadTimeout: -1,
				WriteTimeout: 2 * time.Second, IdleTimeout: 3 * time.Second, MaxHeaderBytes: 4096},
			want: limits{"127.0.0.1:1", time.Second, 0, 2 * time.Second, 3 * time.Second, 4096},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httpserver.New(tt.cfg, http.NotFoundHandler(), nil)
			if got := limitsOf(srv); got != tt.want || srv.ErrorLog == nil {
				t.Errorf("New(%+v) = %+v (ErrorLog %v); want %+v and a logger", tt.cfg, got, srv.ErrorLog, tt.want)
			}
		})
	}
}

// TestRunShutsDownGracefully: a slow request is in flight when shutdown
// starts; new connections are refused, the request completes with 200, and
// Run returns nil only after that.
func TestRunShutsDownGracefully(t *testing.T) {
	started, proceed := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-proceed
		io.WriteString(w, "finished")
	})
	ln := &closeNotifyListener{Listener: testserve.Listen(t), closed: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- httpserver.Run(ctx, httpserver.New(httpserver.Config{}, h, testserve.QuietLogger), ln, 10*time.Second)
	}()

	type result struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(body), err}
	}()
	<-started
	cancel()
	<-ln.closed

	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		conn.Close()
		t.Error("dial during shutdown succeeded; want connection refused")
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned %v while a request was in flight", err)
	default:
	}
	close(proceed)
	if got := <-inflight; got.err != nil || got.status != http.StatusOK || got.body != "finished" {
		t.Errorf("in-flight request = %d %q %v; want 200 \"finished\"", got.status, got.body, got.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
}

// closeNotifyListener reports when the server closes it.
type closeNotifyListener struct {
	net.Listener
	closed chan struct{}
}

func (l *closeNotifyListener) Close() error {
	err := l.Listener.Close()
	select {
	case <-l.closed:
	default:
		close(l.closed)
	}
	return err
}

func TestRunCutsRequestsThatOutliveTheGrace(t *testing.T) {
	entered := make(chan struct{})
	stuck := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done() // never finishes on its own
	})
	srv := start(t, httpserver.Config{}, stuck, 20*time.Millisecond)
	failed := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + srv.addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		failed <- err
	}()
	<-entered
	srv.stop()
	if err := srv.wait(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run = %v; want a DeadlineExceeded shutdown error", err)
	}
	if err := <-failed; err == nil {
		t.Error("the cut request succeeded; want a connection error")
	}
}

// TestSlowClientsAreCut attacks the server with a slowloris client, an idle
// keep-alive client and an oversized header, each with small limits.
func TestSlowClientsAreCut(t *testing.T) {
	cfg := httpserver.Config{ReadHeaderTimeout: 150 * time.Millisecond, IdleTimeout: 150 * time.Millisecond, MaxHeaderBytes: 4 << 10}
	srv := start(t, cfg, httpserver.Routes(), time.Second)
	slowHeader := "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("z", 500) + "\r\n\r\n"
	tests := []struct {
		name      string
		plan      slowclient.Plan
		wantSent  string // "all", "part", or "" not to check
		wantReply string // prefix of what the server sent before closing
	}{
		{
			name:     "slowloris header is cut by ReadHeaderTimeout",
			plan:     slowclient.Plan{Payload: []byte(slowHeader), Chunk: 2, Interval: 10 * time.Millisecond},
			wantSent: "part",
		},
		{
			name:      "idle keep-alive connection is cut by IdleTimeout",
			plan:      slowclient.Plan{Payload: []byte("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"), Chunk: 1 << 10},
			wantSent:  "all",
			wantReply: "HTTP/1.1 200 OK",
		},
		{
			name:      "oversized header gets 431",
			plan:      slowclient.Plan{Payload: []byte("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 20<<10) + "\r\n\r\n"), Chunk: 32 << 10},
			wantReply: "HTTP/1.1 431",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			res, err := slowclient.Run(ctx, srv.addr, tt.plan)
			if err != nil || !res.ClosedByServer {
				t.Fatalf("Run = %+v, %v; want the server to close the connection", res, err)
			}
			if !strings.HasPrefix(string(res.Reply), tt.wantReply) {
				t.Errorf("server sent %q; want a reply starting %q", firstLine(res.Reply), tt.wantReply)
			}
			all := res.Sent == len(tt.plan.Payload)
			if (tt.wantSent == "all" && !all) || (tt.wantSent == "part" && all) {
				t.Errorf("sent %d of %d bytes; want %s", res.Sent, len(tt.plan.Payload), tt.wantSent)
			}
		})
	}
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\r\n")
	return line
}

func TestRunReportsServeFailure(t *testing.T) {
	ln := testserve.Listen(t)
	ln.Close()
	err := httpserver.Run(t.Context(), httpserver.New(httpserver.Config{}, http.NotFoundHandler(), nil), ln, time.Second)
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Run on a closed listener = %v; want net.ErrClosed", err)
	}
}

func TestRoutes(t *testing.T) {
	srv := start(t, httpserver.Config{}, httpserver.Routes(), time.Second)
	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string // prefix
	}{
		{"GET", "/", 200, "routes:"},
		{"GET", "/hello", 200, "hello, gateway learner\n"},
		{"GET", "/hello?name=Ada", 200, "hello, Ada\n"},
		{"GET", "/slow?d=1ms", 200, "slept 1ms\n"},
		{"GET", "/slow?d=soon", 400, "d must be a duration"},
		{"GET", "/slow?d=1h", 400, "d must be a duration"},
		{"GET", "/healthz", 200, "ok\n"},
		{"POST", "/hello", 405, "Method Not Allowed"},
		{"GET", "/nope", 404, "404 page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, "http://"+srv.addr+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus || !strings.HasPrefix(string(body), tt.wantBody) {
				t.Errorf("%s %s = %d %q; want %d %q...", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// TestSlowRouteStopsWhenClientLeaves: /slow must not keep sleeping for a
// client that has gone.
func TestSlowRouteStopsWhenClientLeaves(t *testing.T) {
	handlerDone := make(chan struct{})
	routes := httpserver.Routes()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		routes.ServeHTTP(w, r)
	})
	srv := start(t, httpserver.Config{}, h, time.Second)
	conn, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(conn, "GET /slow?d=20s HTTP/1.1\r\nHost: x\r\n\r\n")
	conn.Close()
	select {
	case <-handlerDone:
	case <-time.After(10 * time.Second):
		t.Fatal("/slow kept running after the client left")
	}
}
