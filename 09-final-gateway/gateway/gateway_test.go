package gateway

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/config"
)

// backend is a real upstream that answers "<name> <path>".
func backend(t *testing.T, name string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", name, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func tcpEcho(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func parse(t *testing.T, yaml string) *config.File {
	t.Helper()
	f, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func start(t *testing.T, yaml string) *Gateway {
	t.Helper()
	g, err := New(parse(t, yaml), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Shutdown(ctx)
	})
	return g
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func twoRoutes(a, b, echo string) string {
	return fmt.Sprintf(`
listeners:
  - {name: web, protocol: http, listen: "127.0.0.1:0"}
  - {name: tcp, protocol: tcp, listen: "127.0.0.1:0", service: echo}
services:
  - {name: a, targets: [{addr: %q}]}
  - {name: b, targets: [{addr: %q}]}
  - {name: echo, protocol: tcp, targets: [{addr: %q}]}
routes:
  - {name: a, path_prefix: /a, service: a}
  - {name: b, path_prefix: /a/b, service: b}
`, a, b, echo)
}

func TestRoutesRequests(t *testing.T) {
	g := start(t, twoRoutes(backend(t, "A"), backend(t, "B"), tcpEcho(t)))
	base := "http://" + g.Addr("web")
	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/a/x", 200, "A /a/x"},
		{"/a/b/x", 200, "B /a/b/x"},
		{"/a/./b/x", 200, "B /a/b/x"}, // canonical path routes and is forwarded
		{"/a/%62/x", 200, "B /a/b/x"}, // an escaped letter is the letter
		{"/ab", 404, ""},              // segment boundary
		{"/a%2Fb/x", 400, ""},         // encoded slash refused
		{"/nothing", 404, ""},
	}
	for _, tt := range tests {
		code, body := get(t, base+tt.path)
		if code != tt.wantCode || (tt.wantBody != "" && body != tt.wantBody) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, body, tt.wantCode, tt.wantBody)
		}
	}
}

func TestTCPListener(t *testing.T) {
	g := start(t, twoRoutes(backend(t, "A"), backend(t, "B"), tcpEcho(t)))
	c, err := net.Dial("tcp", g.Addr("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "ping\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "ping\n" {
		t.Fatalf("echo through the tcp listener: %q %v", line, err)
	}
}

func TestReload(t *testing.T) {
	a, b, echo := backend(t, "A"), backend(t, "B"), tcpEcho(t)
	g := start(t, twoRoutes(a, b, echo))
	base := "http://" + g.Addr("web")
	svcA := g.Snapshot().Services["a"]

	// The route for /a/b goes; service a is unchanged and must be carried over.
	next := strings.Replace(twoRoutes(a, b, echo), "  - {name: b, path_prefix: /a/b, service: b}\n", "", 1)
	if err := g.Reload(parse(t, next)); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, base+"/a/b/x"); code != 200 || body != "A /a/b/x" {
		t.Errorf("after reload GET /a/b/x = %d %q, want service A", code, body)
	}
	if g.Snapshot().Services["a"] != svcA {
		t.Error("unchanged service a was rebuilt; its live state would be lost")
	}
	if g.Addr("web") != strings.TrimPrefix(base, "http://") {
		t.Error("unchanged listener was restarted")
	}
}

func TestReloadRefusesInvalidAndKeepsServing(t *testing.T) {
	a, b, echo := backend(t, "A"), backend(t, "B"), tcpEcho(t)
	g := start(t, twoRoutes(a, b, echo))
	hash := g.Snapshot().Hash
	bad := strings.Replace(twoRoutes(a, b, echo), "path_prefix: /a/b", "path_prefix: /a", 1) // duplicate route
	if err := g.Reload(parse(t, bad)); err == nil || !strings.Contains(err.Error(), "match the same requests") {
		t.Fatalf("Reload(bad) = %v, want the duplicate route refused", err)
	}
	if g.Snapshot().Hash != hash {
		t.Error("snapshot changed after a refused reload")
	}
	if code, _ := get(t, "http://"+g.Addr("web")+"/a/b/x"); code != 200 {
		t.Errorf("old config stopped serving: %d", code)
	}
}

// TestHTTPServers runs an http listener with each server it offers: both serve
// HTTP/1.1 and h2c on one port. The setting really switches servers: only leanserver
// explains its 431 ("request headers too large"); net/http's says the status alone.
func TestHTTPServers(t *testing.T) {
	for _, server := range []string{"lean", "std"} {
		t.Run(server, func(t *testing.T) {
			g := start(t, fmt.Sprintf(`
listeners:
  - {name: web, protocol: http, listen: "127.0.0.1:0", h2c: true, server: %s, max_header_bytes: 1024}
services:
  - {name: a, targets: [{addr: %q}]}
routes:
  - {name: a, path_prefix: /a, service: a}
`, server, backend(t, "A")))
			base := "http://" + g.Addr("web")
			if code, body := get(t, base+"/a/x"); code != 200 || body != "A /a/x" {
				t.Errorf("HTTP/1.1: %d %q", code, body)
			}
			tr := &http.Transport{Protocols: new(http.Protocols)}
			tr.Protocols.SetUnencryptedHTTP2(true)
			defer tr.CloseIdleConnections()
			res, err := (&http.Client{Transport: tr}).Get(base + "/a/y")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.ProtoMajor != 2 || string(b) != "A /a/y" {
				t.Errorf("h2c: %s %q", res.Proto, b)
			}
			req, _ := http.NewRequest(http.MethodGet, base+"/a/z", nil)
			req.Header.Set("X-Big", strings.Repeat("b", 16<<10))
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(res.Body)
			res.Body.Close()
			lean := strings.Contains(string(b), "request headers too large")
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || lean != (server == "lean") {
				t.Errorf("oversized headers: %d %q (served by leanserver: %v)", res.StatusCode, b, lean)
			}
		})
	}
}
