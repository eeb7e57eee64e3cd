// Package echoserver implements the Echo service (package echopb): the backend the
// gRPC proxy is demonstrated and tested against. Every call kind is there, and a
// request can ask for the behaviours a proxy must carry faithfully: an error status with
// details, a call that holds until its deadline or cancellation, response headers and
// trailers.
package echoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
)

// Metadata keys the server sets on every call, so that clients (and tests) can see which
// backend answered and that headers and trailers cross the proxy.
const (
	// HeaderServedBy is a response header naming the server.
	HeaderServedBy = "x-served-by"
	// TrailerCount is a response trailer with the number of responses sent.
	TrailerCount = "x-echo-count"
)

// MaxRepeat bounds EchoRequest.repeat, so one small request cannot make the server
// stream without end.
const MaxRepeat = 100_000

// ErrorDomain is the ErrorInfo domain of the errors a request asks for with fail_code.
const ErrorDomain = "echo.gatewaylab"

// Server is the Echo service. The zero value is not usable; call New.
type Server struct {
	echopb.UnimplementedEchoServer
	name string
}

// New returns an Echo server that answers as name (in served_by and x-served-by).
func New(name string) *Server { return &Server{name: name} }

// Name returns the name the server answers as.
func (s *Server) Name() string { return s.name }

// UnaryEcho answers one request with one response.
func (s *Server) UnaryEcho(ctx context.Context, req *echopb.EchoRequest) (*echopb.EchoResponse, error) {
	if err := s.sendHeader(ctx); err != nil {
		return nil, err
	}
	if err := s.misbehave(ctx, req); err != nil {
		return nil, err
	}
	s.setCount(ctx, 1)
	return s.response(req.GetMessage(), 0), nil
}

// ServerStreamingEcho answers one request with req.repeat responses.
func (s *Server) ServerStreamingEcho(req *echopb.EchoRequest, stream echopb.Echo_ServerStreamingEchoServer) error {
	ctx := stream.Context()
	if err := s.sendHeader(ctx); err != nil {
		return err
	}
	n := max(int(req.GetRepeat()), 1)
	if n > MaxRepeat {
		return status.Errorf(codes.InvalidArgument, "repeat %d is above %d", n, MaxRepeat)
	}
	if err := s.failIfAsked(req); err != nil {
		return err
	}
	for i := range n {
		if err := stream.Send(s.response(req.GetMessage(), i)); err != nil {
			return err
		}
	}
	s.setCount(ctx, n)
	return holdIfAsked(ctx, req)
}

// ClientStreamingEcho answers, once the client has finished sending, with all messages
// joined by commas.
func (s *Server) ClientStreamingEcho(stream echopb.Echo_ClientStreamingEchoServer) error {
	ctx := stream.Context()
	if err := s.sendHeader(ctx); err != nil {
		return err
	}
	var msgs []string
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := s.misbehave(ctx, req); err != nil {
			return err
		}
		msgs = append(msgs, req.GetMessage())
	}
	s.setCount(ctx, 1)
	return stream.SendAndClose(s.response(strings.Join(msgs, ","), len(msgs)-1))
}

// BidirectionalStreamingEcho answers each request as it arrives.
func (s *Server) BidirectionalStreamingEcho(stream echopb.Echo_BidirectionalStreamingEchoServer) error {
	ctx := stream.Context()
	if err := s.sendHeader(ctx); err != nil {
		return err
	}
	for i := 0; ; i++ {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			s.setCount(ctx, i)
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.failIfAsked(req); err != nil {
			return err
		}
		if err := stream.Send(s.response(req.GetMessage(), i)); err != nil {
			return err
		}
		if err := holdIfAsked(ctx, req); err != nil {
			return err
		}
	}
}

func (s *Server) response(msg string, index int) *echopb.EchoResponse {
	return &echopb.EchoResponse{Message: msg, ServedBy: s.name, Index: int32(index)}
}

func (s *Server) sendHeader(ctx context.Context) error {
	return grpc.SendHeader(ctx, metadata.Pairs(HeaderServedBy, s.name))
}

func (s *Server) setCount(ctx context.Context, n int) {
	// SetTrailer fails only when the call is already over; nobody would see it then.
	_ = grpc.SetTrailer(ctx, metadata.Pairs(TrailerCount, strconv.Itoa(n)))
}

// misbehave fails or holds the call when req asks for it.
func (s *Server) misbehave(ctx context.Context, req *echopb.EchoRequest) error {
	if err := s.failIfAsked(req); err != nil {
		return err
	}
	return holdIfAsked(ctx, req)
}

// failIfAsked returns the error req.fail_code asks for: that code, a message naming
// the server, and an ErrorInfo detail carrying the request's message.
func (s *Server) failIfAsked(req *echopb.EchoRequest) error {
	code := codes.Code(req.GetFailCode())
	if code == codes.OK {
		return nil
	}
	st := status.New(code, fmt.Sprintf("%s: failing as asked", s.name))
	detailed, err := st.WithDetails(&errdetails.ErrorInfo{
		Reason:   "REQUESTED_FAILURE",
		Domain:   ErrorDomain,
		Metadata: map[string]string{"message": req.GetMessage()},
	})
	if err != nil {
		return st.Err() // a code of OK cannot carry details; we returned above for it
	}
	return detailed.Err()
}

// holdIfAsked waits for the end of the call when req asks for it, and returns the
// status that end deserves (DeadlineExceeded or Canceled).
func holdIfAsked(ctx context.Context, req *echopb.EchoRequest) error {
	if !req.GetHold() {
		return nil
	}
	<-ctx.Done()
	return status.FromContextError(ctx.Err()).Err()
}
