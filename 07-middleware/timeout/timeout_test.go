package timeout_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/timeout"
)

func serve(tb testing.TB, next http.Handler, d time.Duration) *httptest.Server {
	tb.Helper()
	return testhttp.Serve(tb, testhttp.Build(tb, timeout.New, next, timeout.Config{Timeout: d}))
}

func get(tb testing.TB, url string) (int, string) {
	tb.Helper()
	r := testhttp.Get(tb, url, nil)
	return r.Status, r.Body
}

func TestFastHandlerPassesThrough(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Answer", "42")
		_, _ = io.WriteString(w, "done")
	}), time.Second)
	if code, body := get(t, srv.URL); code != 200 || body != "done" {
		t.Errorf("got %d %q; want 200 done", code, body)
	}
}

func TestStuckUpstreamGets504(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(upstream.Close)
	srv := serve(t, testhttp.Proxy(t, upstream.URL), 50*time.Millisecond)
	if code, body := get(t, srv.URL); code != http.StatusGatewayTimeout || body != "gateway timeout\n" {
		t.Errorf("got %d %q; want 504", code, body)
	}
}

// TestLateWritesAreRefused: a handler deaf to its context writes after the 504 went
// out; the guard refuses the write instead of letting it reach the finished response.
func TestLateWritesAreRefused(t *testing.T) {
	release := make(chan struct{})
	lateErr := make(chan error, 1)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release // ignores r.Context() on purpose
		w.Header().Set("X-Late", "1")
		_, err := io.WriteString(w, "too late")
		lateErr <- err
	}), 20*time.Millisecond)

	code, body := get(t, srv.URL)
	close(release)
	if code != http.StatusGatewayTimeout || body != "gateway timeout\n" {
		t.Errorf("got %d %q; want 504", code, body)
	}
	if err := <-lateErr; !errors.Is(err, http.ErrHandlerTimeout) {
		t.Errorf("late write returned %v; want http.ErrHandlerTimeout", err)
	}
}

// TestCommittedResponseIsTheHandlers: once the status is out (a stream), the deadline
// cancels the handler's context but does not write a 504 over it.
func TestCommittedResponseIsTheHandlers(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "event 1\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the deadline ends the stream
		_, _ = io.WriteString(w, "stream ended\n")
	}), 30*time.Millisecond)
	if code, body := get(t, srv.URL); code != 200 || body != "event 1\nstream ended\n" {
		t.Errorf("got %d %q; want the handler's own 200 stream", code, body)
	}
}

func TestPanicReachesTheServer(t *testing.T) {
	h, err := timeout.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), timeout.Config{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if p := recover(); p == nil {
			t.Error("the handler's panic was swallowed")
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}
