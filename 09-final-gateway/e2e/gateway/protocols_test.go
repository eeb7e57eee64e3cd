package gateway_test

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/gorilla/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
)

// testProtocols: HTTP/1.1, HTTP/2 over TLS, h2c on an http listener, h2c and TLS
// HTTP/2 to upstreams, WebSocket (ws and wss), gRPC on a grpc listener and over the h2c
// listener, and TCP.
func testProtocols(t *testing.T, e *featuresEnv) {
	t.Run("http1", func(t *testing.T) {
		res := e.web.Get(t, "/echo/x")
		wantStatus(t, res, 200)
		if res.Proto != "HTTP/1.1" || res.Answer(t).Proto != "HTTP/1.1" {
			t.Fatalf("client %s, backend %s; want HTTP/1.1 both", res.Proto, res.Answer(t).Proto)
		}
	})
	t.Run("h2c_listener", func(t *testing.T) {
		p := new(http.Protocols)
		p.SetUnencryptedHTTP2(true)
		c := &client{base: "http://" + e.Web, hc: &http.Client{Timeout: 10 * time.Second,
			Transport: &http.Transport{Protocols: p}}}
		res := c.Get(t, "/echo/x")
		wantStatus(t, res, 200)
		if res.Proto != "HTTP/2.0" || res.Answer(t).Path != "/echo/x" {
			t.Fatalf("client %s; want HTTP/2.0", res.Proto)
		}
	})
	t.Run("https_listener", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			h2    bool
			proto string
		}{{"http2", true, "HTTP/2.0"}, {"http1", false, "HTTP/1.1"}} {
			p := new(http.Protocols)
			p.SetHTTP1(!tc.h2)
			p.SetHTTP2(tc.h2)
			c := &client{base: "https://" + e.Secure, hc: &http.Client{Timeout: 10 * time.Second,
				Transport: &http.Transport{TLSClientConfig: e.ca.ClientConfig(), Protocols: p}}}
			res := c.Get(t, "/echo/x")
			wantStatus(t, res, 200)
			if res.Proto != tc.proto || res.Backend() != "a" {
				t.Fatalf("%s: client %s from %q; want %s from a", tc.name, res.Proto, res.Backend(), tc.proto)
			}
		}
	})
	t.Run("h2c_upstream", func(t *testing.T) {
		got := e.web.Get(t, "/h2c-up/x").Answer(t)
		if got.Backend != "h2c" || got.Proto != "HTTP/2.0" {
			t.Fatalf("backend %s received %s, want h2c over HTTP/2.0", got.Backend, got.Proto)
		}
	})
	t.Run("tls_upstream", func(t *testing.T) {
		got := e.web.Get(t, "/tls-up/x").Answer(t)
		if got.Backend != "tls" || got.Proto != "HTTP/2.0" || !got.TLS {
			t.Fatalf("backend %s received %s (tls %v), want HTTP/2.0 over TLS", got.Backend, got.Proto, got.TLS)
		}
	})
	t.Run("websocket", func(t *testing.T) {
		conn, greeting := wsDial(t, "ws://"+e.Web+"/ws", nil)
		if greeting != "hello from "+e.WS.Addr {
			t.Fatalf("greeting %q", greeting)
		}
		wsEcho(t, conn, websocket.TextMessage, "ping")
		wsEcho(t, conn, websocket.BinaryMessage, "\x00\x01binary")
	})
	t.Run("websocket_tls", func(t *testing.T) {
		conn, _ := wsDial(t, "wss://"+e.Secure+"/ws", e.ca.ClientConfig())
		wsEcho(t, conn, websocket.TextMessage, "over tls")
	})
	t.Run("grpc_listener", func(t *testing.T) {
		if served := grpcAllKinds(t, e.GRPC); served["g1"] == 0 || served["g2"] == 0 {
			t.Fatalf("unary calls served by %v, want both backends", served)
		}
	})
	t.Run("grpc_over_h2c_listener", func(t *testing.T) {
		if served := grpcAllKinds(t, e.Web); served["g1"] == 0 || served["g2"] == 0 {
			t.Fatalf("unary calls served by %v, want both backends", served)
		}
	})
	t.Run("tcp", func(t *testing.T) {
		before := e.Echo.accepted.Load()
		s := dialTCP(t, e.TCP)
		s.Echo(t, "hello over tcp")
		s.Echo(t, "and again")
		if n := e.Echo.accepted.Load() - before; n != 1 {
			t.Fatalf("the echo backend accepted %d connections, want 1", n)
		}
	})
	t.Run("tcp_listener_middleware", func(t *testing.T) {
		before := e.Echo.accepted.Load()
		s := dialTCP(t, e.TCPGuarded)
		if err := s.Refused(); err != nil {
			t.Fatalf("a tcp listener denying 127.0.0.1 proxied its connection: %v", err)
		}
		if n := e.Echo.accepted.Load() - before; n != 0 {
			t.Fatalf("the echo backend accepted %d connections from a denied client", n)
		}
	})
	t.Run("tcp_idle_timeout", func(t *testing.T) {
		s := dialTCP(t, e.TCPIdle)
		s.Echo(t, "then silence")
		if err := s.conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.r.ReadByte(); !isClosed(err) {
			t.Fatalf("an idle session (timeouts.idle 300ms) was not closed: %v", err)
		}
	})
	t.Run("tcp_max_conns", func(t *testing.T) { testTCPMaxConns(t, e) })
	t.Run("grpc_listener_middleware", func(t *testing.T) { testGRPCGuarded(t, e) })
	t.Run("grpc_tls_listener", func(t *testing.T) {
		cc, err := grpc.NewClient(e.GRPCS, grpc.WithTransportCredentials(credentials.NewTLS(e.ca.ClientConfig())))
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		res, err := echopb.NewEchoClient(cc).UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "over tls"})
		if err != nil || res.GetMessage() != "over tls" {
			t.Fatalf("unary over TLS: %v %v", res, err)
		}
	})
}

// testTCPMaxConns: with max_conns 2, a third connection waits until one closes.
func testTCPMaxConns(t *testing.T, e *featuresEnv) {
	first, second := dialTCP(t, e.TCPSmall), dialTCP(t, e.TCPSmall)
	first.Echo(t, "one")
	second.Echo(t, "two")
	third := dialTCP(t, e.TCPSmall)
	if _, err := io.WriteString(third.conn, "three\n"); err != nil {
		t.Fatal(err)
	}
	if err := third.conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if line, err := third.r.ReadString('\n'); !isTimeout(err) {
		t.Fatalf("a third connection over max_conns 2 was served: %q %v", line, err)
	}
	first.conn.Close()
	if err := third.conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if line, err := third.r.ReadString('\n'); err != nil || line != "three\n" {
		t.Fatalf("after a slot freed: %q %v, want the echo", line, err)
	}
}

// testGRPCGuarded: a grpc listener's middleware (JWT, rate limit) answers with gRPC
// codes.
func testGRPCGuarded(t *testing.T, e *featuresEnv) {
	c := echoClient(t, e.GRPCGuarded)
	call := func(token string) codes.Code {
		ctx := t.Context()
		if token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
		}
		_, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: "guarded"})
		return status.Code(err)
	}
	valid := jwt.MapClaims{"iss": "gatewaylab", "aud": "e2e", "sub": "svc", "exp": time.Now().Add(time.Hour).Unix()}
	token := signHS256(t, jwtSecret, valid)
	got := []codes.Code{call(""), call(signHS256(t, "wrong-secret-wrong-secret-wrong-secret", valid)),
		call(token), call(token), call(token), call(token)}
	want := []codes.Code{codes.Unauthenticated, codes.Unauthenticated, codes.OK, codes.OK, codes.OK, codes.ResourceExhausted}
	if !slices.Equal(got, want) {
		t.Fatalf("codes %v, want %v (no token, bad token, 3 within burst, 1 over)", got, want)
	}
}
