package codec_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"gatewaylab/03-unpack/codec"
)

// namedCodec is one framing under test, with the payload limits it has.
type namedCodec struct {
	name  string
	codec codec.Codec
	max   int // largest payload the codec accepts
}

// testFixedSize is the record size of the FixedLength codec under test.
const testFixedSize = 512

// allCodecs returns one codec per framing, each with its default limits.
func allCodecs(tb testing.TB) []namedCodec {
	tb.Helper()
	fixed, err := codec.NewFixedLength(testFixedSize, 0)
	if err != nil {
		tb.Fatalf("NewFixedLength: %v", err)
	}
	return []namedCodec{
		{"length-prefixed", codec.NewLengthPrefixed(0), codec.DefaultMaxFrameSize},
		{"fixed-length", fixed, testFixedSize},
		{"delimited", codec.NewDelimited(codec.DefaultDelimiter, 0), codec.DefaultMaxFrameSize},
	}
}

// payloadOf returns n bytes every framing can carry: letters only, so no
// newline and no trailing NUL pad.
func payloadOf(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	return p
}

// encodeAll encodes payloads back to back into one stream.
func encodeAll(tb testing.TB, c codec.Codec, payloads ...[]byte) []byte {
	tb.Helper()
	var stream bytes.Buffer
	for _, p := range payloads {
		if err := c.Encode(&stream, p); err != nil {
			tb.Fatalf("Encode(%d bytes): %v", len(p), err)
		}
	}
	return stream.Bytes()
}

// decodeAll decodes frames from r until an error, returning copies of the
// frames and the error that stopped it.
func decodeAll(c codec.Codec, r io.Reader) ([][]byte, error) {
	var frames [][]byte
	var buf []byte
	for {
		frame, err := c.Decode(r, buf)
		if err != nil {
			return frames, err
		}
		frames = append(frames, bytes.Clone(frame))
		buf = frame
	}
}

// requireFrames fails unless got equals want frame by frame.
func requireFrames(tb testing.TB, got, want [][]byte) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("decoded %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			tb.Fatalf("frame %d = %q, want %q", i, abbrev(got[i]), abbrev(want[i]))
		}
	}
}

// requireCleanEOF fails unless err is exactly io.EOF, not wrapped: callers
// compare with ==, as io.Reader's contract teaches them to.
func requireCleanEOF(tb testing.TB, err error) {
	tb.Helper()
	if err != io.EOF {
		tb.Fatalf("err = %v, want bare io.EOF", err)
	}
}

// abbrev shortens long payloads in failure messages.
func abbrev(p []byte) []byte {
	if len(p) > 40 {
		return append(bytes.Clone(p[:40]), "..."...)
	}
	return p
}

// repeatReader serves the same bytes forever, for allocation tests and
// benchmarks that decode one frame per iteration.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[r.off:])
	r.off = (r.off + n) % len(r.data)
	return n, nil
}

// plainWriter hides a writer's extra methods, forcing the unbuffered path.
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) { return p.w.Write(b) }

// errBoom stands for a failing connection.
var errBoom = errors.New("boom: connection reset")

// oneByte reads stream one byte per Read call, the worst split TCP can do.
func oneByte(stream []byte) io.Reader {
	return iotest.OneByteReader(bytes.NewReader(stream))
}
