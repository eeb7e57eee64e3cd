package gateway_test

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaylab/04-proxy/testbin"
)

// defaultPorts are the fixed addresses of the embedded default configuration.
var defaultPorts = []string{
	"127.0.0.1:8080", "127.0.0.1:8082", "127.0.0.1:8083", "127.0.0.1:9901",
	"127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003", "127.0.0.1:9101", "127.0.0.1:9102",
	"127.0.0.1:9201", "127.0.0.1:9301",
}

// banner is what the gateway printed at start, parsed.
type banner struct {
	text       string
	commands   map[string]string // route -> the command printed for it
	tries      map[string]string // route -> URL, for the routes printed as "curl -s URL"
	tokenUser  string            // -u user:secret of the token line
	tokenPass  string
	tokenData  string // -d of the token line
	tokenURL   string
	privateURL string // the URL called with the token
	adminURL   string // the admin health line
	adminToken string
}

var (
	routeLine   = regexp.MustCompile(`(?m)^  (.+?)\s+# route (\S+) -> `)
	plainCurl   = regexp.MustCompile(`^curl -s (http://\S+)$`)
	wsURL       = regexp.MustCompile(`(?:ws|http)://\S+`)
	tokenLine   = regexp.MustCompile(`(?m)^  TOKEN=\$\(curl -s -u ([^:\s]+):(\S+) -d (\S+) (http://\S+) \|`)
	privateLine = regexp.MustCompile(`(?m)^  curl -s -H "Authorization: Bearer \$TOKEN" (http://\S+)$`)
	adminLine   = regexp.MustCompile(`(?m)^  curl -s -H ["']Authorization: Bearer ([^"'\s]+)["'] (http://\S+/api/v1/health)$`)
)

// TestDefaultConfig runs the binary with no flag, as a newcomer does, and follows the
// banner it prints: every curl line, the token flow, the admin line, and the grpc, tcp
// and WebSocket demos.
func TestDefaultConfig(t *testing.T) {
	requireFree(t, defaultPorts)
	gw := startGateway(t, procOptions{Admin: "127.0.0.1:9901", Env: []string{"GATEWAY_ADMIN_TOKEN="}})
	b := readBanner(t, gw)
	web := newClient("127.0.0.1:8080")

	t.Run("banner", func(t *testing.T) {
		for _, want := range []string{"web    http  127.0.0.1:8080", "grpc   grpc  127.0.0.1:8082 -> service echo-grpc",
			"tcp    tcp   127.0.0.1:8083 -> service echo-tcp", "admin  http  127.0.0.1:9901", "admin token (made for this run"} {
			if !strings.Contains(b.text, want) {
				t.Errorf("banner lacks %q:\n%s", want, b.text)
			}
		}
	})
	t.Run("every_printed_route_line_works", func(t *testing.T) {
		for route, cmd := range b.commands {
			u, plain := b.tries[route]
			switch {
			case route == "private" || route == "limited":
				// Their own subtests follow the banner: 401 then a token; 429 after 2.
			case !plain && !strings.Contains(cmd, "ws://"):
				t.Errorf("route %s: the banner prints %q, neither a plain curl nor a WebSocket client", route, cmd)
			case plain:
				if status, body := get(t, u, nil); status >= 400 {
					t.Errorf("the banner's `%s` (route %s) answers %d %q", cmd, route, status, strings.TrimSpace(body))
				}
			}
		}
	})
	t.Run("hello", func(t *testing.T) {
		got := send(t, web, path(t, b.tries["hello"]), 6, nil)
		if got["127.0.0.1:9001"] != 2 || got["127.0.0.1:9002"] != 4 {
			t.Fatalf("hello spread %v, want 2 on 9001 and 4 on 9002 (weights 1:2)", got)
		}
	})
	t.Run("sticky", func(t *testing.T) {
		wantStatus(t, web.Get(t, path(t, b.tries["sticky"])), 200)
		sticky(t, web, path(t, b.tries["sticky"]), func(user string) req { return req{Header: hdr("X-User", user)} })
	})
	t.Run("limited", func(t *testing.T) {
		p := path(t, b.tries["limited"])
		wantStatus(t, web.Get(t, p), 200)
		wantStatus(t, web.Get(t, p), 200)
		res := web.Get(t, p)
		wantStatus(t, res, 429)
		wantRetryAfter(t, res, 1, 1)
	})
	t.Run("private_with_token", func(t *testing.T) { testDefaultPrivate(t, web, b) })
	t.Run("flaky_falls_back", func(t *testing.T) {
		eventually(t, 10*time.Second, "the flaky route's circuit opens", func() (bool, string) {
			res := web.Get(t, path(t, b.tries["flaky"]))
			wantStatus(t, res, 200)
			return res.Header.Get("X-Gateway-Degraded") == "circuit-open" && strings.HasPrefix(res.Body, "fallback: "), res.Body
		})
	})
	t.Run("admin_line", func(t *testing.T) {
		status, body := get(t, b.adminURL, hdr("Authorization", "Bearer "+b.adminToken))
		if status != 200 || !strings.Contains(body, `"hello"`) {
			t.Fatalf("admin health: %d %s", status, body)
		}
	})
	t.Run("grpc_listener", func(t *testing.T) {
		if served := grpcAllKinds(t, "127.0.0.1:8082"); len(served) != 2 {
			t.Fatalf("unary calls served by %v, want both demo backends", served)
		}
	})
	t.Run("tcp_listener", func(t *testing.T) { dialTCP(t, "127.0.0.1:8083").Echo(t, "hello gateway") })
	t.Run("websocket_route", func(t *testing.T) {
		u := strings.Replace(wsURL.FindString(b.commands["ws"]), "http://", "ws://", 1)
		conn, greeting := wsDial(t, u, nil)
		if greeting != "connected to websocket backend 127.0.0.1:9301" {
			t.Fatalf("greeting %q", greeting)
		}
		wsEcho(t, conn, websocket.TextMessage, "hi")
	})
}

// testDefaultPrivate: the private route refuses without a token, and the banner's token
// flow (client credentials for the demo app) opens it.
func testDefaultPrivate(t *testing.T, web *client, b *banner) {
	wantStatus(t, web.Get(t, path(t, b.tries["private"])), 401)
	form, err := url.ParseQuery(b.tokenData)
	if err != nil {
		t.Fatal(err)
	}
	h := basicAuth(b.tokenUser, b.tokenPass)
	res := web.Do(t, req{Method: "POST", Path: path(t, b.tokenURL), Body: form.Encode(), Header: h})
	wantStatus(t, res, 200)
	token := accessToken(t, res)
	res = web.Do(t, req{Path: path(t, b.privateURL), Header: hdr("Authorization", "Bearer "+token)})
	wantStatus(t, res, 200)
	if !strings.Contains(res.Body, `"app": "demo-app"`) {
		t.Fatalf("the demo backend did not see the demo app: %s", res.Body)
	}
}

// readBanner waits for the banner's last line and parses it.
func readBanner(t *testing.T, gw *gatewayProc) *banner {
	t.Helper()
	eventually(t, 10*time.Second, "banner printed", func() (bool, string) {
		return adminLine.MatchString(gw.Stdout()), gw.Stdout()
	})
	b := &banner{text: gw.Stdout(), commands: map[string]string{}, tries: map[string]string{}}
	for _, m := range routeLine.FindAllStringSubmatch(b.text, -1) {
		b.commands[m[2]] = m[1]
		if c := plainCurl.FindStringSubmatch(m[1]); c != nil {
			b.tries[m[2]] = c[1]
		}
	}
	m := tokenLine.FindStringSubmatch(b.text)
	p := privateLine.FindStringSubmatch(b.text)
	a := adminLine.FindStringSubmatch(b.text)
	if m == nil || p == nil || a == nil || len(b.commands) != 6 {
		t.Fatalf("banner not as documented (%d route lines):\n%s", len(b.commands), b.text)
	}
	for _, route := range []string{"hello", "sticky", "limited", "private", "flaky"} {
		if b.tries[route] == "" {
			t.Fatalf("the banner has no `curl -s URL` line for route %s:\n%s", route, b.text)
		}
	}
	b.tokenUser, b.tokenPass, b.tokenData, b.tokenURL = m[1], m[2], m[3], m[4]
	b.privateURL, b.adminToken, b.adminURL = p[1], a[1], a[2]
	return b
}

// path returns the path of a printed URL, for the client of its listener.
func path(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host != "127.0.0.1:8080" {
		t.Fatalf("printed URL %q: want one on the web listener (%v)", raw, err)
	}
	return u.RequestURI()
}

// requireFree skips the test when one of addrs is taken (another gateway or demo is
// running), or fails it under CI, where the ports must be free.
func requireFree(t *testing.T, addrs []string) {
	t.Helper()
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			msg := "the default configuration's port " + a + " is in use (stop the gateway or demo using it): " + err.Error()
			if testbin.InCI() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		ln.Close()
	}
}
