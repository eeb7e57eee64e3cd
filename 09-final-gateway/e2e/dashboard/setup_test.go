package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"gatewaylab/04-proxy/testbin"
	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/server"
)

// gatewayYAML is the configuration under test: one HTTP listener, a service and a route
// to show, an app to edit, a dashboard user; every port chosen by the kernel. The
// arguments are the backend, the app's secret hash and the user's password hash.
const gatewayYAML = `
admin:
  listen: 127.0.0.1:0
  users:
    - name: alice
      password_hash: "%[3]s"
listeners:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
auth:
  jwt:
    keys:
      - id: e2e
        algorithm: HS256
        generate: true
services:
  - name: hello
    targets:
      - addr: %[1]s
routes:
  - name: hello
    path_prefix: /hello
    service: hello
  - name: private
    path_prefix: /private
    service: hello
    middleware:
      auth:
        apps: {}
apps:
  - id: acme
    name: Acme Corp
    secret_hash: %[2]s
    qps: 50
    daily_quota: 1000
`

// stack is a real gateway, in this process, in front of a real backend.
type stack struct {
	srv     *server.Server
	backend *httptest.Server
	admin   string // http://127.0.0.1:port of the admin listener
	token   string // the admin token
	secret  string // app acme's secret at start
}

// alicePassword is dashboard user alice's password (admin.users).
const alicePassword = "alice-Pa55word"

func startStack(t *testing.T) *stack {
	t.Helper()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend saw %s\n", r.URL.Path)
	}))
	t.Cleanup(backend.Close)
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	appSecret := secret.Generate()
	// Cost 10, the lowest the configuration accepts: a login under -race stays quick.
	aliceHash, err := bcrypt.GenerateFromPassword([]byte(alicePassword), bcrypt.DefaultCost)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(gatewayYAML, backend.Listener.Addr(), secret.Hash(appSecret), aliceHash)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st := &stack{backend: backend, token: secret.Generate(), secret: appSecret}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	st.srv, err = server.Start(t.Context(), server.Options{File: f, AdminToken: st.token, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := st.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	st.admin = "http://" + st.srv.Admin.Addr()
	return st
}

// web is the gateway's HTTP listener, looked up when needed: a listener on port 0 gets
// a new port whenever a reload restarts it.
func (st *stack) web() string { return "http://" + st.srv.Gateway.Addr("web") }

// appToken asks the gateway's token endpoint for a token with app acme's secret,
// as the app itself would (OAuth2 client credentials), and returns the status.
func (st *stack) appToken(t *testing.T, appSecret string) int {
	t.Helper()
	form := strings.NewReader("grant_type=client_credentials")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, st.web()+"/oauth/tokens", form)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("acme", appSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// api calls the admin API directly, as a script would.
func (st *stack) api(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, st.admin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+st.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

// browser starts headless Chromium (Debian's package) and returns a tab's context.
// Skipped when chromium is missing, except in CI (CI=true), where that is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := testbin.Require(t, "chromium", "apt-get install chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container: the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// The test machine has no internet: stop Chromium's own background traffic.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, with no deadline on it
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshots is where page images go: $GATEWAY_SCREENSHOTS (CI keeps them as
// artifacts), else a temporary directory.
func screenshots(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GATEWAY_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
