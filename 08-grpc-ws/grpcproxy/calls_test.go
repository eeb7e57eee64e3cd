package grpcproxy_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/internal/grpctest"
)

// TestCallKinds sends each of the four call kinds through the proxy and checks the
// messages, the response header and the trailer the backend set.
func TestCallKinds(t *testing.T) {
	fx := startProxy(t, grpctest.FixtureConfig{}, startEcho(t, "backend-a"))
	tests := []struct {
		name      string
		call      func(t *testing.T, opts ...grpc.CallOption) []string
		want      []string
		wantCount string
	}{
		{"unary", func(t *testing.T, opts ...grpc.CallOption) []string {
			res, err := fx.Client.UnaryEcho(callCtx(t), &echopb.EchoRequest{Message: "hi"}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			return []string{res.GetMessage()}
		}, []string{"hi"}, "1"},
		{"server streaming", func(t *testing.T, opts ...grpc.CallOption) []string {
			stream, err := fx.Client.ServerStreamingEcho(callCtx(t), &echopb.EchoRequest{Message: "s", Repeat: 3}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			return drain(t, stream)
		}, []string{"s#0", "s#1", "s#2"}, "3"},
		{"client streaming", func(t *testing.T, opts ...grpc.CallOption) []string {
			stream, err := fx.Client.ClientStreamingEcho(callCtx(t), opts...)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []string{"a", "b", "c"} {
				if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := stream.CloseAndRecv()
			if err != nil {
				t.Fatal(err)
			}
			return []string{res.GetMessage()}
		}, []string{"a,b,c"}, "1"},
		{"bidirectional", func(t *testing.T, opts ...grpc.CallOption) []string {
			stream, err := fx.Client.BidirectionalStreamingEcho(callCtx(t), opts...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range []string{"x", "y"} {
				if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
					t.Fatal(err)
				}
				res, err := stream.Recv()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, res.GetMessage())
			}
			if err := stream.CloseSend(); err != nil {
				t.Fatal(err)
			}
			return append(got, drain(t, stream)...)
		}, []string{"x", "y"}, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header, trailer metadata.MD
			got := tt.call(t, grpc.Header(&header), grpc.Trailer(&trailer))
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("messages %q, want %q", got, tt.want)
			}
			if v := header.Get(echoserver.HeaderServedBy); len(v) != 1 || v[0] != "backend-a" {
				t.Errorf("header %s = %q, want [backend-a]", echoserver.HeaderServedBy, v)
			}
			if v := trailer.Get(echoserver.TrailerCount); len(v) != 1 || v[0] != tt.wantCount {
				t.Errorf("trailer %s = %q, want [%s]", echoserver.TrailerCount, v, tt.wantCount)
			}
		})
	}
}

// receiver is what drain needs from a server-streaming or bidirectional client stream.
type receiver interface {
	Recv() (*echopb.EchoResponse, error)
}

// drain receives until the stream ends and returns "message#index" for each response
// of a multi-response stream (the index proves order), or the message alone otherwise.
func drain(t *testing.T, s receiver) []string {
	t.Helper()
	var got []string
	for {
		res, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s#%d", res.GetMessage(), res.GetIndex()))
	}
}

// TestErrorStatusWithDetails: the backend's code, message and ErrorInfo detail reach
// the client unchanged, for a unary call and in the middle of a stream.
func TestErrorStatusWithDetails(t *testing.T) {
	fx := startProxy(t, grpctest.FixtureConfig{}, startEcho(t, "backend-a"))
	failing := &echopb.EchoRequest{Message: "boom", FailCode: int32(codes.FailedPrecondition)}

	t.Run("unary", func(t *testing.T) {
		_, err := fx.Client.UnaryEcho(callCtx(t), failing)
		checkDetailedError(t, err)
	})
	t.Run("mid stream", func(t *testing.T) {
		stream, err := fx.Client.BidirectionalStreamingEcho(callCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&echopb.EchoRequest{Message: "fine"}); err != nil {
			t.Fatal(err)
		}
		if res, err := stream.Recv(); err != nil || res.GetMessage() != "fine" {
			t.Fatalf("first response %v, %v", res, err)
		}
		if err := stream.Send(failing); err != nil {
			t.Fatal(err)
		}
		_, err = stream.Recv()
		checkDetailedError(t, err)
	})
}

func checkDetailedError(t *testing.T, err error) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition || st.Message() != "backend-a: failing as asked" {
		t.Fatalf("status %v %q, want FailedPrecondition from backend-a", st.Code(), st.Message())
	}
	details := st.Details()
	if len(details) != 1 {
		t.Fatalf("details %v, want one ErrorInfo", details)
	}
	info, ok := details[0].(*errdetails.ErrorInfo)
	if !ok || info.GetDomain() != echoserver.ErrorDomain || info.GetMetadata()["message"] != "boom" {
		t.Errorf("detail %v, want ErrorInfo from %s about boom", details[0], echoserver.ErrorDomain)
	}
}

// TestBidirectional1000: a thousand messages each way on one stream, sent while
// responses are read, arrive complete and in order.
func TestBidirectional1000(t *testing.T) {
	const n = 1000
	fx := startProxy(t, grpctest.FixtureConfig{}, startEcho(t, "backend-a"))
	stream, err := fx.Client.BidirectionalStreamingEcho(callCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			if err := stream.Send(&echopb.EchoRequest{Message: fmt.Sprint(i)}); err != nil {
				sent <- err
				return
			}
		}
		sent <- stream.CloseSend()
	}()
	got := drain(t, stream)
	if err := recv(t, sent, "sender"); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("received %d responses, want %d", len(got), n)
	}
	for i, g := range got {
		if want := fmt.Sprintf("%d#%d", i, i); g != want {
			t.Fatalf("response %d is %q, want %q", i, g, want)
		}
	}
}
