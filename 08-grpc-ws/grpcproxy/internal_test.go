package grpcproxy

import (
	"slices"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
)

func TestContentSubtype(t *testing.T) {
	tests := []struct {
		name, contentType, want string
	}{
		{"plain grpc means proto", "application/grpc", "proto"},
		{"explicit proto", "application/grpc+proto", "proto"},
		{"json", "application/grpc+json", "json"},
		{"upper case", "Application/GRPC+JSON", "json"},
		{"parameters ignored", "application/grpc+json; charset=utf-8", "json"},
		{"empty subtype", "application/grpc+", "proto"},
		{"not grpc", "text/plain", "proto"},
		{"absent", "", "proto"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := metadata.MD{}
			if tt.contentType != "" {
				md = metadata.Pairs("content-type", tt.contentType)
			}
			if got := contentSubtype(md); got != tt.want {
				t.Errorf("contentSubtype(%q) = %q, want %q", tt.contentType, got, tt.want)
			}
		})
	}
}

func TestFilterMD(t *testing.T) {
	in := metadata.MD{
		":authority":           {"proxy:443"},
		"content-type":         {"application/grpc"},
		"user-agent":           {"grpc-go/1.85"},
		"te":                   {"trailers"},
		"connection":           {"keep-alive"},
		"grpc-accept-encoding": {"gzip"},
		"grpc-timeout":         {"1S"},
		"x-app":                {"forged"},
		"x-user":               {"alice", "bob"},
		"trace-bin":            {"\x00\x01"},
	}
	got := filterMD(in, lowerKeys([]string{"X-App"}))
	want := metadata.MD{"x-user": {"alice", "bob"}, "trace-bin": {"\x00\x01"}}
	if len(got) != len(want) {
		t.Fatalf("filterMD = %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	got["x-user"][0] = "mallory"
	if in["x-user"][0] != "alice" {
		t.Error("filterMD shares value slices with its input")
	}
}

func TestMadeUpByTransport(t *testing.T) {
	tests := []struct {
		msg  string
		want bool
	}{
		{`connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.7:50051: connect: connection refused"`, true},
		{"error reading from server: EOF", true},
		{"transport is closing", true},
		{"maintenance window, try later", false},
		{"no upstream available", false},
	}
	for _, tt := range tests {
		if got := madeUpByTransport(tt.msg); got != tt.want {
			t.Errorf("madeUpByTransport(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

// FuzzCodecFrameRoundTrip: a message unmarshalled into a Frame and marshalled again is
// the same bytes, whatever they are, and the frame is empty afterwards (the buffers
// went to gRPC).
func FuzzCodecFrameRoundTrip(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("\x0a\x05hello"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var c Codec
		var fr Frame
		in := mem.BufferSlice{mem.SliceBuffer(slices.Clone(msg))}
		if err := c.Unmarshal(in, &fr); err != nil {
			t.Fatal(err)
		}
		in.Free() // what gRPC does when Unmarshal returns
		if fr.Len() != len(msg) || string(fr.Bytes()) != string(msg) {
			t.Fatalf("frame holds %q, want %q", fr.Bytes(), msg)
		}
		out, err := c.Marshal(&fr)
		if err != nil {
			t.Fatal(err)
		}
		if string(out.Materialize()) != string(msg) {
			t.Errorf("marshalled %q, want %q", out.Materialize(), msg)
		}
		out.Free()
		if fr.Len() != 0 {
			t.Errorf("frame still holds %d bytes after Marshal", fr.Len())
		}
		fr.Release()
	})
}
