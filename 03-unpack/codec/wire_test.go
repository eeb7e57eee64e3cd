package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"gatewaylab/03-unpack/codec"
)

// TestWireFormat pins the exact bytes of each framing. The length-prefixed
// rows are the course's format ("12345678", uint32 big-endian, payload):
// a peer built from the course must understand us byte for byte.
func TestWireFormat(t *testing.T) {
	fixed, err := codec.NewFixedLength(8, ' ')
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		codec   codec.Codec
		payload string
		wire    string
	}{
		{"length hello", codec.NewLengthPrefixed(0), "hello", "12345678\x00\x00\x00\x05hello"},
		{"length empty", codec.NewLengthPrefixed(0), "", "12345678\x00\x00\x00\x00"},
		{"length 300 bytes", codec.NewLengthPrefixed(0), strings.Repeat("z", 300), "12345678\x00\x00\x01\x2c" + strings.Repeat("z", 300)},
		{"fixed padded", fixed, "hi", "hi      "},
		{"fixed full record", fixed, "12345678", "12345678"},
		{"fixed empty", fixed, "", "        "},
		{"fixed inner pad kept", fixed, "a b", "a b     "},
		{"delimited line", codec.NewDelimited('\n', 0), "hello", "hello\n"},
		{"delimited empty", codec.NewDelimited('\n', 0), "", "\n"},
		{"delimited NUL", codec.NewDelimited(0, 0), "c-string", "c-string\x00"},
		{"delimited keeps CR", codec.NewDelimited('\n', 0), "crlf\r", "crlf\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := tt.codec.Encode(&out, []byte(tt.payload)); err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if out.String() != tt.wire {
				t.Fatalf("wire = %q, want %q", out.String(), tt.wire)
			}
			got, err := tt.codec.Decode(bufio.NewReader(strings.NewReader(tt.wire)), nil)
			if err != nil || string(got) != tt.payload {
				t.Fatalf("Decode(%q) = %q, %v; want %q", tt.wire, got, err, tt.payload)
			}
		})
	}
}

func TestLengthPrefixedBadMagic(t *testing.T) {
	tests := map[string]string{
		"HTTP request":      "GET / HTTP/1.1\r\n\r\n",
		"off by one byte":   "2345678\x00\x00\x00\x00\x05hello",
		"lowercase garbage": "abcdefgh\x00\x00\x00\x01x",
	}
	for name, wire := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := codec.NewLengthPrefixed(0).Decode(strings.NewReader(wire), nil)
			if !errors.Is(err, codec.ErrBadMagic) {
				t.Fatalf("Decode(%q) err = %v, want ErrBadMagic", wire, err)
			}
		})
	}
}

// TestFixedLengthStripsOnlyTrailingPad shows the ambiguity FixedLength
// resolves: inner pad bytes survive, trailing ones are padding.
func TestFixedLengthStripsOnlyTrailingPad(t *testing.T) {
	fixed, err := codec.NewFixedLength(6, '.')
	if err != nil {
		t.Fatal(err)
	}
	// Three whole records, then one stray byte: a truncated fourth record.
	frames, err := decodeAll(fixed, strings.NewReader("a.b..."+"ab...."+"......"+"."))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF for the stray byte", err)
	}
	requireFrames(t, frames, [][]byte{[]byte("a.b"), []byte("ab"), {}})
}

// TestDelimitedLongLineThroughSmallBuffer makes bufio.Reader return
// ErrBufferFull several times inside one frame.
func TestDelimitedLongLineThroughSmallBuffer(t *testing.T) {
	c := codec.NewDelimited('\n', 0)
	line := payloadOf(1000)
	stream := append(append(bytes.Clone(line), '\n'), "next\n"...)
	frames, err := decodeAll(c, bufio.NewReaderSize(bytes.NewReader(stream), 16))
	requireCleanEOF(t, err)
	requireFrames(t, frames, [][]byte{line, []byte("next")})
}
