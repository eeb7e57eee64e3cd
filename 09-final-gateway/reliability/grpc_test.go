package reliability_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
)

// unaryPath is the Echo service's unary method.
const unaryPath = "/gatewaylab.echo.v1.Echo/UnaryEcho"

// testGRPCFrames writes malformed gRPC to the grpc listener frame by frame (an HTTP/2
// framer, no gRPC library to tidy it up): the gateway answers each call with an error
// status, a stream reset or a closed connection, no malformed message reaches the
// backend, and the listener keeps serving well-formed calls.
func testGRPCFrames(t *testing.T, e *attackEnv) {
	grpcHeaders := [][2]string{{":method", "POST"}, {":scheme", "http"}, {":path", unaryPath},
		{":authority", "x"}, {"content-type", "application/grpc"}, {"te", "trailers"}}
	for _, tc := range []struct {
		name    string
		headers [][2]string
		data    []byte // one DATA frame, ending the stream
		want    string // "grpc-status N", ":status N", "reset" or "closed"
	}{
		{"length_claims_4GiB", grpcHeaders, []byte{0, 0xff, 0xff, 0xff, 0xff}, "grpc-status 8"},
		{"length_over_4MiB", grpcHeaders, []byte{0, 0, 0x50, 0, 0, 'a'}, "grpc-status 8"},
		{"compressed_without_encoding", grpcHeaders, []byte{1, 0, 0, 0, 3, 'a', 'b', 'c'}, "grpc-status 13"},
		{"unknown_flag", grpcHeaders, []byte{7, 0, 0, 0, 1, 'a'}, "grpc-status 13"},
		{"truncated_message", grpcHeaders, []byte{0, 0, 0, 0, 100, 'a'}, "grpc-status 13"},
		{"truncated_prefix", grpcHeaders, []byte{0, 0, 0}, "grpc-status 13"},
		{"not_grpc_content_type", replace(grpcHeaders, "content-type", "text/plain"), []byte{0, 0, 0, 0, 0}, "grpc-status 3"},
		{"no_path", without(grpcHeaders, ":path"), []byte{0, 0, 0, 0, 0}, "grpc-status 12"},
		{"path_not_a_method", replace(grpcHeaders, ":path", "/../../admin"), []byte{0, 0, 0, 0, 0}, "grpc-status 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.grpc.Calls()
			got := rawGRPCCall(t, e.addr.GRPC, tc.headers, tc.data)
			if got != tc.want && !(tc.want == "reset" && got == "closed") {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if n := e.grpc.Calls(); n != before {
				t.Errorf("%d malformed calls reached the backend", n-before)
			}
		})
	}
	t.Run("not_http2", func(t *testing.T) {
		ex := rawExchange(t, e.addr.GRPC, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 3*time.Second)
		if !ex.Closed {
			t.Errorf("an HTTP/1.1 request to the grpc listener: connection still open (%v)", ex.End)
		}
	})
	t.Run("oversize_message_from_a_real_client", func(t *testing.T) {
		before := e.grpc.Calls()
		_, err := echoClient(t, e.addr.GRPC).UnaryEcho(t.Context(), &echopb.EchoRequest{Message: strings.Repeat("m", 5<<20)},
			grpc.MaxCallSendMsgSize(8<<20))
		if status.Code(err) != codes.ResourceExhausted {
			t.Errorf("a 5 MiB message: %v, want ResourceExhausted (the limit is 4 MiB)", err)
		}
		if n := e.grpc.Calls(); n != before {
			t.Errorf("the oversize message reached the backend")
		}
	})
	t.Run("well_formed_still_served", func(t *testing.T) {
		res, err := echoClient(t, e.addr.GRPC).UnaryEcho(t.Context(), &echopb.EchoRequest{Message: "hi"})
		if err != nil || res.GetMessage() != "hi" {
			t.Fatalf("UnaryEcho after the attacks: %v, %v", res, err)
		}
	})
}

// echoClient dials the gateway's grpc listener; the connection is closed when the
// test ends.
func echoClient(t testing.TB, addr string) echopb.EchoClient {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return echopb.NewEchoClient(cc)
}

// rawGRPCCall opens an HTTP/2 connection, sends one stream (headers, then data ending
// the stream) and says how it ended: "grpc-status N" (from the trailers), ":status N"
// (a non-200 response), "reset" (RST_STREAM or GOAWAY) or "closed".
func rawGRPCCall(t *testing.T, addr string, headers [][2]string, data []byte) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(64<<10, nil)
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		return "closed"
	}
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, h := range headers {
		enc.WriteField(hpack.HeaderField{Name: h[0], Value: h[1]})
	}
	err = errors.Join(fr.WriteSettings(),
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndHeaders: true}),
		fr.WriteData(1, true, data))
	if err != nil {
		return "closed"
	}
	return streamEnd(fr)
}

// streamEnd reads frames until stream 1 ends, answering the peer's SETTINGS and PINGs.
func streamEnd(fr *http2.Framer) string {
	httpStatus := ""
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return "closed"
		}
		answerControl(fr, f)
		switch f := f.(type) {
		case *http2.RSTStreamFrame, *http2.GoAwayFrame:
			return "reset"
		case *http2.MetaHeadersFrame:
			if v := f.PseudoValue("status"); v != "" && v != "200" {
				httpStatus = ":status " + v
			}
			if v := headerValue(f, "grpc-status"); v != "" {
				return "grpc-status " + v
			}
			if f.StreamEnded() {
				return httpStatus
			}
		case *http2.DataFrame:
			if f.StreamEnded() && httpStatus != "" {
				return httpStatus
			}
		}
	}
}

// answerControl acknowledges the peer's SETTINGS and PING frames, as any HTTP/2
// client does.
func answerControl(fr *http2.Framer, f http2.Frame) {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if !f.IsAck() {
			fr.WriteSettingsAck()
		}
	case *http2.PingFrame:
		if !f.IsAck() {
			fr.WritePing(true, f.Data)
		}
	}
}

func headerValue(f *http2.MetaHeadersFrame, name string) string {
	for _, hf := range f.Fields {
		if hf.Name == name {
			return hf.Value
		}
	}
	return ""
}

// replace returns headers with name's value set to value.
func replace(headers [][2]string, name, value string) [][2]string {
	out := make([][2]string, len(headers))
	for i, h := range headers {
		if h[0] == name {
			h[1] = value
		}
		out[i] = h
	}
	return out
}

// without returns headers without name.
func without(headers [][2]string, name string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		if h[0] != name {
			out = append(out, h)
		}
	}
	return out
}
