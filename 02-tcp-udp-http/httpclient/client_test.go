package httpclient_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/httpclient"
)

func TestNewTransportUsesTheCourseSettings(t *testing.T) {
	tr := httpclient.NewTransport(httpclient.Config{})
	tests := []struct {
		name      string
		got, want any
	}{
		{"MaxIdleConns", tr.MaxIdleConns, 100},
		{"MaxIdleConnsPerHost", tr.MaxIdleConnsPerHost, 100},
		{"IdleConnTimeout", tr.IdleConnTimeout, 90 * time.Second},
		{"TLSHandshakeTimeout", tr.TLSHandshakeTimeout, 10 * time.Second},
		{"ExpectContinueTimeout", tr.ExpectContinueTimeout, time.Second},
		{"ResponseHeaderTimeout", tr.ResponseHeaderTimeout, 30 * time.Second},
		{"no proxy from the environment", tr.Proxy == nil, true},
		{"client timeout", httpclient.New(httpclient.Config{}).Timeout, 30 * time.Second},
		{"negative means no limit", httpclient.NewTransport(httpclient.Config{IdleConnTimeout: -1}).IdleConnTimeout, time.Duration(0)},
		{"explicit value kept", httpclient.NewTransport(httpclient.Config{MaxIdleConnsPerHost: 7}).MaxIdleConnsPerHost, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v; want %v", tt.got, tt.want)
			}
		})
	}
}

// newCountingServer serves a body of size bytes and counts the TCP
// connections it accepted: the server-side proof of reuse.
func newCountingServer(t testing.TB, size int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	body := strings.Repeat("x", size)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		io.WriteString(w, body)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// TestConnectionReuse sends three requests in a row and reads
// httptrace.GotConnInfo.Reused for each, for several ways of finishing with
// the body. Only a body read to its end lets the connection be reused.
func TestConnectionReuse(t *testing.T) {
	tests := []struct {
		name       string
		size       int
		finish     func(io.ReadCloser) error
		keepAlive  bool
		wantReused bool
	}{
		{
			name:       "drained and closed",
			size:       1 << 10,
			finish:     func(b io.ReadCloser) error { return httpclient.DrainAndClose(b, 0) },
			keepAlive:  true,
			wantReused: true,
		},
		{
			name:      "closed without reading",
			size:      1 << 10,
			finish:    io.ReadCloser.Close,
			keepAlive: true,
		},
		{
			name:      "body larger than the drain limit",
			size:      1 << 20,
			finish:    func(b io.ReadCloser) error { return httpclient.DrainAndClose(b, 64<<10) },
			keepAlive: true,
		},
		{
			name:   "keep-alives disabled",
			size:   1 << 10,
			finish: func(b io.ReadCloser) error { return httpclient.DrainAndClose(b, 0) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, conns := newCountingServer(t, tt.size)
			tr := httpclient.NewTransport(httpclient.Config{})
			tr.DisableKeepAlives = !tt.keepAlive
			t.Cleanup(tr.CloseIdleConnections)
			client := &http.Client{Transport: tr}

			const requests = 3
			for i := range requests {
				reused := fetchReused(t, client, srv.URL, tt.finish)
				if want := tt.wantReused && i > 0; reused != want {
					t.Errorf("request %d: Reused = %v; want %v", i+1, reused, want)
				}
			}
			wantConns := int32(requests)
			if tt.wantReused {
				wantConns = 1
			}
			if got := conns.Load(); got != wantConns {
				t.Errorf("server accepted %d connections; want %d", got, wantConns)
			}
		})
	}
}

// fetchReused does one GET, finishes the body with finish, and reports
// whether the trace saw a reused connection.
func fetchReused(t testing.TB, c *http.Client, url string, finish func(io.ReadCloser) error) bool {
	t.Helper()
	var reused bool
	ctx := httpclientTrace(t.Context(), &reused)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := finish(resp.Body); err != nil {
		t.Fatalf("finish body: %v", err)
	}
	return reused
}

func TestGet(t *testing.T) {
	srv, conns := newCountingServer(t, 100)
	client := httpclient.New(httpclient.Config{})
	t.Cleanup(client.CloseIdleConnections)
	tests := []struct {
		name       string
		maxBody    int64
		wantErr    error
		wantReused bool
	}{
		{name: "fits", maxBody: 100},
		{name: "again: reused", maxBody: 1000, wantReused: true},
		{name: "too large, still drained: reused", maxBody: 10, wantErr: httpclient.ErrBodyTooLarge, wantReused: true},
		{name: "after the error: reused", maxBody: 100, wantReused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := httpclient.Get(t.Context(), client, srv.URL, tt.maxBody)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get = %v; want %v", err, tt.wantErr)
			}
			if res.Status != http.StatusOK || res.Reused != tt.wantReused || res.LocalAddr == "" {
				t.Errorf("Get = status %d reused %v local %q; want 200, reused %v, a local address", res.Status, res.Reused, res.LocalAddr, tt.wantReused)
			}
			if wantLen := min(tt.maxBody, 100); int64(len(res.Body)) != wantLen {
				t.Errorf("body length %d; want %d", len(res.Body), wantLen)
			}
		})
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("server accepted %d connections; want 1", got)
	}
}

func TestGetErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String()
	ln.Close()
	client := httpclient.New(httpclient.Config{})
	tests := []struct {
		name string
		ctx  func() context.Context
		url  string
	}{
		{name: "bad URL", ctx: t.Context, url: "http://[::1"},
		{name: "connection refused", ctx: t.Context, url: closedURL},
		{name: "canceled", ctx: func() context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx
		}, url: closedURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := httpclient.Get(tt.ctx(), client, tt.url, 10); err == nil {
				t.Error("Get succeeded; want an error")
			}
		})
	}
}

// httpclientTrace records GotConnInfo.Reused into reused.
func httpclientTrace(ctx context.Context, reused *bool) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { *reused = info.Reused },
	})
}
