package admin_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"gatewaylab/09-final-gateway/admin"
)

const testToken = "test-admin-token-0123456789"

// env is an admin handler over a fake backend, served on a real loopback socket.
type env struct {
	fake *fakeBackend
	srv  *httptest.Server
	logs *syncBuffer
}

func newEnv(tb testing.TB, opts ...func(*admin.Options)) *env {
	tb.Helper()
	e := &env{fake: newFake(tb), logs: &syncBuffer{}}
	o := admin.Options{Backend: e.fake, Token: testToken, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))}
	for _, f := range opts {
		f(&o)
	}
	h, err := admin.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	tb.Cleanup(e.srv.Close)
	return e
}

// answer is one response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	cookie []*http.Cookie
}

// do sends a request with the admin token. hdr are header name/value pairs; a
// "Authorization" pair replaces the token ("" sends none). A body is sent as JSON.
func (e *env) do(tb testing.TB, method, path, body string, hdr ...string) answer {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(tb.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(tb, req)
}

func (e *env) send(tb testing.TB, req *http.Request) answer {
	tb.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data, cookie: resp.Cookies()}
}

// want fails the test unless the answer has status.
func (a answer) want(tb testing.TB, status int) answer {
	tb.Helper()
	if a.status != status {
		tb.Fatalf("status %d, want %d; body: %s", a.status, status, a.body)
	}
	return a
}

// decode unmarshals the answer's JSON body.
func decode[T any](tb testing.TB, a answer) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(a.body, &v); err != nil {
		tb.Fatalf("decode %s: %v", a.body, err)
	}
	return v
}

// errorAnswer is the API's error body.
type errorAnswer struct {
	Error  string `json:"error"`
	Fields []struct {
		Path    string `json:"path"`
		Field   string `json:"field"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"fields"`
}

// listAnswer is a list page, items decoded as maps.
type listAnswer struct {
	Items []map[string]any `json:"items"`
	Total int              `json:"total"`
	Page  int              `json:"page"`
	Size  int              `json:"size"`
}

func (l listAnswer) keys(field string) []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it[field].(string))
	}
	return out
}

// etag is the version an answer carries, without quotes.
func (a answer) etag() string { return strings.Trim(a.header.Get("ETag"), `"`) }

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log records written so far.
func (b *syncBuffer) lines(tb testing.TB) []map[string]any {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			tb.Fatalf("log line %s: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}
