package grpcproxy

import (
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// Frame is one gRPC message the proxy carries without decoding it: the bytes that were
// between the 5-byte length prefix, after decompression. It holds gRPC's own pooled
// buffers, so a message crosses the proxy without being copied.
//
// A Frame is filled by RecvMsg and emptied by SendMsg: Codec.Marshal hands the buffers
// to gRPC, which frees them once written. Release frees whatever a failed send left.
type Frame struct {
	data mem.BufferSlice
}

// Len returns the size of the message in bytes.
func (f *Frame) Len() int { return f.data.Len() }

// Bytes returns a copy of the message, for tests and logs.
func (f *Frame) Bytes() []byte { return f.data.Materialize() }

// Release frees the buffers the frame still holds. It is safe to call on an empty frame.
func (f *Frame) Release() {
	f.data.Free()
	f.data = nil
}

// Codec passes *Frame values through as raw bytes and encodes everything else with the
// standard protobuf codec. The fallback lets one grpc.Server both proxy unknown
// services and serve its own (the health service, for instance), because a forced
// server codec applies to every service on that server.
//
// Its Name is "proto": when a client names no content-subtype, gRPC sends the codec's
// name upstream, and "application/grpc+proto" means the same as "application/grpc".
// The proxy always passes the caller's own subtype on (see forwardOptions).
type Codec struct{}

var _ encoding.CodecV2 = Codec{}

// protoCodec is the standard codec. The import of encoding/proto registers it during
// package initialisation, before this variable is set.
var protoCodec = encoding.GetCodecV2(protocodec.Name)

// Name returns "proto".
func (Codec) Name() string { return protocodec.Name }

// Marshal returns f's buffers for a *Frame, handing their ownership to gRPC, and the
// protobuf encoding for anything else.
func (Codec) Marshal(v any) (mem.BufferSlice, error) {
	f, ok := v.(*Frame)
	if !ok {
		return protoCodec.Marshal(v)
	}
	out := f.data
	f.data = nil
	return out, nil
}

// Unmarshal keeps a reference to data in a *Frame (gRPC frees data when Unmarshal
// returns, so the frame takes its own) and decodes protobuf into anything else.
func (Codec) Unmarshal(data mem.BufferSlice, v any) error {
	f, ok := v.(*Frame)
	if !ok {
		return protoCodec.Unmarshal(data, v)
	}
	f.Release()
	data.Ref()
	f.data = data
	return nil
}
