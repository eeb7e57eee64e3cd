package grpcproxy

import (
	"errors"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
)

// sendUp copies the caller's messages to the upstream until the caller half-closes.
// It returns nil when the caller is done sending or the upstream has ended the call
// (whose status then reaches the caller through sendDown), and the error otherwise.
func sendUp(ss grpc.ServerStream, cs grpc.ClientStream) error {
	var f Frame
	defer f.Release()
	for {
		if err := ss.RecvMsg(&f); err != nil {
			if errors.Is(err, io.EOF) {
				return cs.CloseSend()
			}
			return err
		}
		if err := cs.SendMsg(&f); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// sendDown copies the upstream's response headers, messages and trailers to the caller
// and returns the upstream's final status (nil for OK) with the time the response
// headers arrived.
func sendDown(cs grpc.ClientStream, ss grpc.ServerStream) (time.Time, error) {
	hdr, err := cs.Header() // nil, nil when the upstream sent no headers (trailers only)
	headerAt := time.Now()
	if err != nil {
		return headerAt, err
	}
	if hdr != nil {
		if err := ss.SendHeader(filterMD(hdr, nil)); err != nil {
			return headerAt, err
		}
	}
	var f Frame
	defer f.Release()
	for {
		if err := cs.RecvMsg(&f); err != nil {
			ss.SetTrailer(filterMD(cs.Trailer(), nil))
			if errors.Is(err, io.EOF) {
				return headerAt, nil
			}
			return headerAt, err
		}
		if err := ss.SendMsg(&f); err != nil {
			return headerAt, err
		}
	}
}

// transportPrefixes start the messages gRPC-Go's client writes for failures of its own
// connection, as opposed to statuses an upstream sent.
var transportPrefixes = []string{
	"connection error",
	"error reading from server",
	"transport",
	"name resolver error",
	"last connection error",
	"connection closed",
}

// madeUpByTransport reports whether an Unavailable message was written by the proxy's
// own client connection rather than received from the upstream.
func madeUpByTransport(msg string) bool {
	for _, p := range transportPrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
