package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"gatewaylab/03-unpack/codec"
)

func TestRoundTrip(t *testing.T) {
	for _, nc := range allCodecs(t) {
		payloads := map[string][]byte{
			"empty":    {},
			"one byte": []byte("x"),
			"text":     []byte("hello, gateway"),
			"max size": payloadOf(nc.max),
		}
		for name, payload := range payloads {
			t.Run(nc.name+"/"+name, func(t *testing.T) {
				stream := encodeAll(t, nc.codec, payload)
				readers := map[string]io.Reader{
					"bufio":         bufio.NewReader(bytes.NewReader(stream)),
					"bytes.Reader":  bytes.NewReader(stream),
					"one byte read": oneByte(stream),
				}
				for rname, r := range readers {
					frames, err := decodeAll(nc.codec, r)
					requireCleanEOF(t, err)
					if len(frames) != 1 || !bytes.Equal(frames[0], payload) {
						t.Fatalf("%s: decoded %d frames, want exactly the %d-byte payload", rname, len(frames), len(payload))
					}
				}
			})
		}
	}
}

// TestStickyStream is the stage's point in one test: many frames written
// back to back, so they arrive merged, come out one by one.
func TestStickyStream(t *testing.T) {
	want := [][]byte{[]byte("first"), {}, []byte("third, longer frame"), payloadOf(300)}
	for _, nc := range allCodecs(t) {
		t.Run(nc.name, func(t *testing.T) {
			stream := encodeAll(t, nc.codec, want...)
			frames, err := decodeAll(nc.codec, bufio.NewReader(bytes.NewReader(stream)))
			requireCleanEOF(t, err)
			requireFrames(t, frames, want)
		})
	}
}

// TestEncodeWritePathsAgree checks that the buffered path (bytes.Buffer,
// bufio.Writer with room or without) and the gathered path (plain writer)
// put the same bytes on the wire.
func TestEncodeWritePathsAgree(t *testing.T) {
	for _, nc := range allCodecs(t) {
		for _, size := range []int{0, 5, 100, testFixedSize} {
			payload := payloadOf(size)
			want := encodeAll(t, nc.codec, payload)
			writers := map[string]func(io.Writer) (io.Writer, func() error){
				"plain writer":      func(w io.Writer) (io.Writer, func() error) { return plainWriter{w}, noFlush },
				"bufio with room":   bufioOfSize(4096),
				"bufio too small":   bufioOfSize(16),
				"bufio half filled": halfFilledBufio,
			}
			for name, newWriter := range writers {
				var got bytes.Buffer
				w, flush := newWriter(&got)
				if err := nc.codec.Encode(w, payload); err != nil {
					t.Fatalf("%s/%d/%s: Encode: %v", nc.name, size, name, err)
				}
				if err := flush(); err != nil {
					t.Fatalf("flush: %v", err)
				}
				if !bytes.Equal(bytes.TrimPrefix(got.Bytes(), []byte("--")), want) {
					t.Errorf("%s/%d/%s: wrote %q, want %q", nc.name, size, name, abbrev(got.Bytes()), abbrev(want))
				}
			}
		}
	}
}

func noFlush() error { return nil }

func bufioOfSize(n int) func(io.Writer) (io.Writer, func() error) {
	return func(w io.Writer) (io.Writer, func() error) {
		bw := bufio.NewWriterSize(w, n)
		return bw, bw.Flush
	}
}

// halfFilledBufio returns a 32-byte bufio.Writer that already holds "--",
// so the frame must fit the remaining space or be written in parts.
func halfFilledBufio(w io.Writer) (io.Writer, func() error) {
	bw := bufio.NewWriterSize(w, 32)
	if _, err := bw.WriteString("--"); err != nil {
		panic(err)
	}
	return bw, bw.Flush
}

func TestEncodeRefusesWithoutWriting(t *testing.T) {
	fixed, err := codec.NewFixedLength(8, ' ')
	if err != nil {
		t.Fatal(err)
	}
	small := codec.NewLengthPrefixed(16)
	lines := codec.NewDelimited('\n', 16)
	tests := []struct {
		name    string
		codec   codec.Codec
		payload string
		want    error
	}{
		{"length-prefixed over max", small, "seventeen bytes!!", codec.ErrFrameTooLarge},
		{"delimited over max", lines, "seventeen bytes!!", codec.ErrFrameTooLarge},
		{"delimited contains delimiter", lines, "two\nlines", codec.ErrDelimiterInPayload},
		{"delimited ends in delimiter", lines, "line\n", codec.ErrDelimiterInPayload},
		{"fixed longer than record", fixed, "nine byte", codec.ErrFrameTooLarge},
		{"fixed ends in pad byte", fixed, "ends ", codec.ErrTrailingPad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := tt.codec.Encode(&out, []byte(tt.payload))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Encode(%q) = %v, want %v", tt.payload, err, tt.want)
			}
			if out.Len() != 0 {
				t.Fatalf("refused Encode wrote %q; the stream must stay untouched", out.Bytes())
			}
		})
	}
}

func TestNewFixedLengthRejectsBadSize(t *testing.T) {
	for _, size := range []int{-1, 0, codec.DefaultMaxFrameSize + 1} {
		if _, err := codec.NewFixedLength(size, 0); err == nil {
			t.Errorf("NewFixedLength(%d) succeeded, want an error", size)
		}
	}
}

func TestMaxFrameSizeDefaults(t *testing.T) {
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"length zero", codec.NewLengthPrefixed(0).MaxFrameSize(), codec.DefaultMaxFrameSize},
		{"length negative", codec.NewLengthPrefixed(-5).MaxFrameSize(), codec.DefaultMaxFrameSize},
		{"length capped to uint32", codec.NewLengthPrefixed(1 << 40).MaxFrameSize(), 1<<32 - 1},
		{"length custom", codec.NewLengthPrefixed(100).MaxFrameSize(), 100},
		{"delimited zero", codec.NewDelimited('\n', 0).MaxFrameSize(), codec.DefaultMaxFrameSize},
		{"delimited custom", codec.NewDelimited('\n', 100).MaxFrameSize(), 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("MaxFrameSize() = %d, want %d", tt.got, tt.want)
			}
		})
	}
}
