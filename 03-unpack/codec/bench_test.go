package codec_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"gatewaylab/03-unpack/codec"
)

// benchSizes are a small message and a page-sized one. The fixed-length
// codec under benchmark uses a record exactly the payload's size.
var benchSizes = []int{64, 4096}

// benchCodecs returns one codec per framing sized for payloads of n bytes.
func benchCodecs(b *testing.B, n int) []namedCodec {
	fixed, err := codec.NewFixedLength(n, 0)
	if err != nil {
		b.Fatal(err)
	}
	return []namedCodec{
		{"length", codec.NewLengthPrefixed(0), codec.DefaultMaxFrameSize},
		{"fixed", fixed, n},
		{"delimited", codec.NewDelimited('\n', 0), codec.DefaultMaxFrameSize},
	}
}

// BenchmarkEncode encodes into a bufio.Writer, as a server does.
func BenchmarkEncode(b *testing.B) {
	for _, size := range benchSizes {
		payload := payloadOf(size)
		for _, nc := range benchCodecs(b, size) {
			b.Run(fmt.Sprintf("%s/%dB", nc.name, size), func(b *testing.B) {
				w := bufio.NewWriter(io.Discard)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if err := nc.codec.Encode(w, payload); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDecode decodes from a bufio.Reader into a reused buffer: the
// steady state of a long-lived connection.
func BenchmarkDecode(b *testing.B) {
	for _, size := range benchSizes {
		payload := payloadOf(size)
		for _, nc := range benchCodecs(b, size) {
			b.Run(fmt.Sprintf("%s/%dB", nc.name, size), func(b *testing.B) {
				r := bufio.NewReader(&repeatReader{data: encodeAll(b, nc.codec, payload)})
				buf := make([]byte, 0, size)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					frame, err := nc.codec.Decode(r, buf)
					if err != nil {
						b.Fatal(err)
					}
					buf = frame
				}
			})
		}
	}
}

// BenchmarkDecodeCourseStyle is the baseline the codecs replace: the
// course's decoder shape (binary.Read for the length, a fresh slice per
// frame sized by the peer's claim). Compare its allocs/op with
// BenchmarkDecode/length.
func BenchmarkDecodeCourseStyle(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			r := bufio.NewReader(&repeatReader{data: encodeAll(b, codec.NewLengthPrefixed(0), payloadOf(size))})
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := courseStyleDecode(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// courseStyleDecode reads a frame the way the course did, including its
// flaw: make([]byte, length) trusts the peer's length.
func courseStyleDecode(r io.Reader) ([]byte, error) {
	magic := make([]byte, len(codec.Magic))
	if _, err := io.ReadFull(r, magic); err != nil {
		return nil, err
	}
	if string(magic) != codec.Magic {
		return nil, codec.ErrBadMagic
	}
	var length uint32
	if err := binary.Read(r, binary.BigEndian, &length); err != nil {
		return nil, err
	}
	payload := make([]byte, length)
	_, err := io.ReadFull(r, payload)
	return payload, err
}
