package recovery_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/recovery"
)

func server(tb testing.TB, h http.HandlerFunc, logs *bytes.Buffer) *httptest.Server {
	tb.Helper()
	return testhttp.Serve(tb, testhttp.Build(tb, recovery.New, http.Handler(h), recovery.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
}

func TestPanicBecomes500WithoutLeaking(t *testing.T) {
	var logs bytes.Buffer
	srv := server(t, func(http.ResponseWriter, *http.Request) {
		panic("db password is hunter2")
	}, &logs)
	resp := testhttp.Get(t, srv.URL+"/boom", nil)
	srv.Close() // waits for the handler: its log line is complete
	if resp.Status != 500 || strings.Contains(resp.Body, "hunter2") {
		t.Errorf("got %d %q; want 500 without the panic text", resp.Status, resp.Body)
	}
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), `"path":"/boom"`) {
		t.Errorf("log %q; want the panic and the path", logs.String())
	}
}

func TestAbortHandlerPassesQuietly(t *testing.T) {
	var logs bytes.Buffer
	srv := server(t, func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, &logs)
	_, err := srv.Client().Get(srv.URL)
	if err == nil {
		t.Error("got a response; want the connection aborted")
	}
	srv.Close()
	if logs.Len() != 0 {
		t.Errorf("logged %q; ErrAbortHandler must pass quietly", logs.String())
	}
}

func TestPanicAfterResponseStartedAbortsConnection(t *testing.T) {
	var logs bytes.Buffer
	srv := server(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("mid-stream")
	}, &logs)
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: %v; want a broken response (unexpected EOF)", err)
	}
	srv.Close()
	if !strings.Contains(logs.String(), "mid-stream") {
		t.Error("the panic was not logged")
	}
}
