package gateway_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
)

// echoClient connects a gRPC Echo client to addr (cleartext, HTTP/2 prior knowledge).
func echoClient(t testing.TB, addr string) echopb.EchoClient {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return echopb.NewEchoClient(cc)
}

// grpcAllKinds makes every kind of call through addr (unary, server streaming, client
// streaming, bidirectional, and an error with its code) and returns the backends that
// answered the unary calls.
func grpcAllKinds(t testing.TB, addr string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c := echoClient(t, addr)
	served := map[string]int{}
	for i := range 4 {
		var header metadata.MD
		res, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: fmt.Sprint("hi ", i)}, grpc.Header(&header))
		if err != nil || res.GetMessage() != fmt.Sprint("hi ", i) {
			t.Fatalf("unary: %v %v", res, err)
		}
		if got := header.Get("x-served-by"); len(got) != 1 || got[0] != res.GetServedBy() {
			t.Fatalf("unary: response header x-served-by %v, served_by %q", got, res.GetServedBy())
		}
		served[res.GetServedBy()]++
	}
	grpcServerStream(t, ctx, c)
	grpcClientStream(t, ctx, c)
	grpcBidi(t, ctx, c)
	_, err := c.UnaryEcho(ctx, &echopb.EchoRequest{Message: "x", FailCode: int32(codes.NotFound)})
	if st, _ := status.FromError(err); st.Code() != codes.NotFound || !strings.Contains(st.Message(), "failing as asked") {
		t.Fatalf("error call: %v, want NotFound from the backend", err)
	}
	return served
}

func grpcServerStream(t testing.TB, ctx context.Context, c echopb.EchoClient) {
	t.Helper()
	stream, err := c.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "s", Repeat: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if i != 5 {
				t.Fatalf("server stream: %d responses, want 5", i)
			}
			if got := stream.Trailer().Get("x-echo-count"); len(got) != 1 || got[0] != "5" {
				t.Fatalf("server stream: trailer x-echo-count %v, want 5", got)
			}
			return
		}
		if err != nil || res.GetIndex() != int32(i) {
			t.Fatalf("server stream response %d: %v %v", i, res, err)
		}
	}
}

func grpcClientStream(t testing.TB, ctx context.Context, c echopb.EchoClient) {
	t.Helper()
	stream, err := c.ClientStreamingEcho(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"a", "b", "c"} {
		if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := stream.CloseAndRecv()
	if err != nil || res.GetMessage() != "a,b,c" {
		t.Fatalf("client stream: %v %v, want a,b,c", res, err)
	}
}

func grpcBidi(t testing.TB, ctx context.Context, c echopb.EchoClient) {
	t.Helper()
	stream, err := c.BidirectionalStreamingEcho(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range []string{"x", "y", "z"} {
		if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
			t.Fatal(err)
		}
		res, err := stream.Recv()
		if err != nil || res.GetMessage() != m || res.GetIndex() != int32(i) {
			t.Fatalf("bidi %d: %v %v", i, res, err)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("bidi end: %v, want EOF", err)
	}
}

// wsDial opens a WebSocket through the gateway (ws:// or wss://) and reads the
// backend's greeting.
func wsDial(t testing.TB, url string, tlsConf *tls.Config) (*websocket.Conn, string) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, TLSClientConfig: tlsConf}
	conn, res, err := d.Dial(url, http.Header{"Origin": {"http://example.test"}})
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	t.Cleanup(func() { conn.Close() })
	_, greeting := wsRead(t, conn)
	return conn, greeting
}

// wsEcho sends msg and checks that it comes back with its type.
func wsEcho(t testing.TB, conn *websocket.Conn, mt int, msg string) {
	t.Helper()
	if err := conn.WriteMessage(mt, []byte(msg)); err != nil {
		t.Fatalf("websocket write: %v", err)
	}
	gotType, got := wsRead(t, conn)
	if gotType != mt || got != msg {
		t.Fatalf("websocket echo: type %d %q, want type %d %q", gotType, got, mt, msg)
	}
}

func wsRead(t testing.TB, conn *websocket.Conn) (int, string) {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	mt, b, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	return mt, string(b)
}

// tcpSession is an open connection through a tcp listener.
type tcpSession struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialTCP(t testing.TB, addr string) *tcpSession {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial tcp %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &tcpSession{conn: conn, r: bufio.NewReader(conn)}
}

// Echo sends a line and checks that the echo backend sent it back.
func (s *tcpSession) Echo(t testing.TB, line string) {
	t.Helper()
	if err := s.conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(s.conn, line+"\n"); err != nil {
		t.Fatalf("tcp write: %v", err)
	}
	got, err := s.r.ReadString('\n')
	if err != nil || got != line+"\n" {
		t.Fatalf("tcp echo: %q %v, want %q", got, err, line)
	}
}

// Refused reports nil when the gateway closed the session without echoing a line
// (the connection was refused after accept), or what happened instead.
func (s *tcpSession) Refused() error {
	if err := s.conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if _, err := io.WriteString(s.conn, "let me in\n"); err != nil {
		return nil // already closed
	}
	line, err := s.r.ReadString('\n')
	if isClosed(err) {
		return nil
	}
	return fmt.Errorf("read %q, %v", line, err)
}

// isClosed reports whether err is the peer closing or resetting the connection (not
// a deadline).
func isClosed(err error) bool {
	return err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
