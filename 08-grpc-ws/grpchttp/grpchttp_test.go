package grpchttp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/04-proxy/reverseproxy"
	"gatewaylab/04-proxy/tlsdev"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/grpchttp"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

const waitLimit = grpctest.WaitLimit

// startBackend serves the Echo service (h2c) and returns its address.
func startBackend(t *testing.T) string {
	t.Helper()
	s := grpc.NewServer()
	echoserver.Register(s, echoserver.New("backend"))
	return grpctest.Serve(t, s)
}

// startFront serves gRPC (through 04's reverse proxy, h2c upstream) and a REST handler
// on one port, with TLS when tlsConf is set.
func startFront(t *testing.T, backend string, tlsConf *tls.Config) string {
	t.Helper()
	transport, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{Protocol: reverseproxy.H2C})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(transport.CloseIdleConnections)
	rp, err := reverseproxy.New(reverseproxy.Config{
		Target:    &url.URL{Scheme: "http", Host: backend},
		Transport: transport,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	rest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "rest over "+r.Proto)
	})
	srv := grpchttp.NewServer("127.0.0.1:0", grpchttp.Split(rp, rest))
	lis, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if tlsConf != nil {
		srv.TLSConfig = tlsConf
		lis = tls.NewListener(lis, tlsConf)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(lis) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	})
	return lis.Addr().String()
}

// TestGRPCThroughReverseProxy: a real gRPC client talks to a gRPC server through stage
// 04's HTTP reverse proxy, over h2c and over TLS (h2), and REST shares the port.
func TestGRPCThroughReverseProxy(t *testing.T) {
	ca, err := tlsdev.NewCA("grpchttp test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	backend := startBackend(t)
	modes := []struct {
		name       string
		serverTLS  *tls.Config
		creds      credentials.TransportCredentials
		restClient *http.Client
		restProto  string
		restScheme string
	}{
		{"h2c", nil, insecure.NewCredentials(), &http.Client{Timeout: waitLimit}, "HTTP/1.1", "http"},
		{"h2 over TLS", tlsdev.ServerConfig(cert), credentials.NewTLS(ca.ClientConfig()),
			&http.Client{Timeout: waitLimit, Transport: &http.Transport{TLSClientConfig: ca.ClientConfig(), ForceAttemptHTTP2: true}},
			"HTTP/2.0", "https"},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			front := startFront(t, backend, m.serverTLS)
			t.Cleanup(m.restClient.CloseIdleConnections) // before the server's Shutdown waits for them
			cc, err := grpc.NewClient(front, grpc.WithTransportCredentials(m.creds))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cc.Close() })
			client := echopb.NewEchoClient(cc)
			t.Run("unary with header and trailer", func(t *testing.T) { checkUnary(t, client) })
			t.Run("server streaming", func(t *testing.T) { checkServerStream(t, client) })
			t.Run("error status with details", func(t *testing.T) { checkError(t, client) })
			t.Run("bidirectional", func(t *testing.T) { checkBidi(t, client) })
			t.Run("rest on the same port", func(t *testing.T) {
				res, err := m.restClient.Get(m.restScheme + "://" + front + "/")
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || string(body) != "rest over "+m.restProto {
					t.Errorf("REST answer %q, %v; want %q", body, err, "rest over "+m.restProto)
				}
			})
		})
	}
}

var callCtx = grpctest.CallCtx

func checkUnary(t *testing.T, client echopb.EchoClient) {
	var header, trailer metadata.MD
	res, err := client.UnaryEcho(callCtx(t), &echopb.EchoRequest{Message: "hi"}, grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		t.Fatal(err)
	}
	if res.GetMessage() != "hi" || res.GetServedBy() != "backend" {
		t.Errorf("response %v", res)
	}
	if got := header.Get(echoserver.HeaderServedBy); len(got) != 1 || got[0] != "backend" {
		t.Errorf("header %v", header)
	}
	if got := trailer.Get(echoserver.TrailerCount); len(got) != 1 || got[0] != "1" {
		t.Errorf("trailer %v", trailer)
	}
}

func checkServerStream(t *testing.T, client echopb.EchoClient) {
	stream, err := client.ServerStreamingEcho(callCtx(t), &echopb.EchoRequest{Message: "s", Repeat: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		res, err := stream.Recv()
		if err != nil || res.GetIndex() != int32(i) {
			t.Fatalf("response %d: %v, %v", i, res, err)
		}
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("end of stream: %v, want EOF (status OK)", err)
	}
	if got := stream.Trailer().Get(echoserver.TrailerCount); len(got) != 1 || got[0] != "5" {
		t.Errorf("trailer %v", stream.Trailer())
	}
}

// checkError: an error before any message is a trailers-only response, where the
// status travels in the HTTP/2 headers; the proxy must pass it all the same.
func checkError(t *testing.T, client echopb.EchoClient) {
	_, err := client.UnaryEcho(callCtx(t), &echopb.EchoRequest{Message: "boom", FailCode: int32(codes.PermissionDenied)})
	st := status.Convert(err)
	if st.Code() != codes.PermissionDenied || st.Message() != "backend: failing as asked" {
		t.Fatalf("status %v", err)
	}
	if d := st.Details(); len(d) != 1 {
		t.Errorf("details %v, want one ErrorInfo", d)
	} else if info, ok := d[0].(*errdetails.ErrorInfo); !ok || info.GetMetadata()["message"] != "boom" {
		t.Errorf("detail %v", d[0])
	}
}

func checkBidi(t *testing.T, client echopb.EchoClient) {
	stream, err := client.BidirectionalStreamingEcho(callCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if err := stream.Send(&echopb.EchoRequest{Message: "m"}); err != nil {
			t.Fatal(err)
		}
		res, err := stream.Recv()
		if err != nil || res.GetIndex() != int32(i) {
			t.Fatalf("response %d: %v, %v", i, res, err)
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("end of stream: %v, want EOF", err)
	}
}

func TestIsGRPC(t *testing.T) {
	tests := []struct {
		name  string
		major int
		ct    string
		want  bool
	}{
		{"grpc", 2, "application/grpc", true},
		{"grpc+proto", 2, "application/grpc+proto", true},
		{"grpc with parameters", 2, "application/grpc;charset=utf-8", true},
		{"grpc-web is not grpc", 2, "application/grpc-web", false},
		{"json", 2, "application/json", false},
		{"grpc content type over HTTP/1.1", 1, "application/grpc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{ProtoMajor: tt.major, Header: http.Header{"Content-Type": {tt.ct}}}
			if got := grpchttp.IsGRPC(r); got != tt.want {
				t.Errorf("IsGRPC = %v, want %v", got, tt.want)
			}
		})
	}
}
