package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"testing"
	"testing/iotest"

	"gatewaylab/03-unpack/codec"
)

// TestEveryPrefix cuts a valid three-frame stream at every offset, as
// net/http's TestIncompleteChunk does. Frames before the cut must decode
// intact; a cut between frames is a clean io.EOF and a cut inside a frame
// is io.ErrUnexpectedEOF, never a short frame passed off as whole.
func TestEveryPrefix(t *testing.T) {
	want := [][]byte{[]byte("first"), {}, []byte("third frame")}
	for _, nc := range allCodecs(t) {
		t.Run(nc.name, func(t *testing.T) {
			stream, boundaries := encodeWithBoundaries(t, nc.codec, want)
			for cut := 0; cut < len(stream); cut++ {
				frames, err := decodeAll(nc.codec, bufio.NewReader(bytes.NewReader(stream[:cut])))
				whole := boundaries[cut]
				requireFrames(t, frames, want[:whole.frames])
				if whole.atBoundary {
					requireCleanEOF(t, err)
				} else if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("cut at %d of %d: err = %v, want io.ErrUnexpectedEOF", cut, len(stream), err)
				}
			}
		})
	}
}

// prefixState says what a prefix of a stream contains.
type prefixState struct {
	frames     int  // whole frames in the prefix
	atBoundary bool // the prefix ends exactly between two frames
}

// encodeWithBoundaries encodes frames and describes every prefix length.
func encodeWithBoundaries(tb testing.TB, c codec.Codec, frames [][]byte) ([]byte, []prefixState) {
	tb.Helper()
	var stream []byte
	states := []prefixState{{0, true}}
	for i, f := range frames {
		frame := encodeAll(tb, c, f)
		for j := 1; j < len(frame); j++ {
			states = append(states, prefixState{i, false})
		}
		states = append(states, prefixState{i + 1, true})
		stream = append(stream, frame...)
	}
	return stream, states
}

// TestAwkwardReaders decodes through readers that return as little as
// possible per call: framing must not depend on how the bytes were cut.
func TestAwkwardReaders(t *testing.T) {
	want := [][]byte{[]byte("first"), {}, payloadOf(400), []byte("last")}
	readers := map[string]func([]byte) io.Reader{
		"OneByteReader":       oneByte,
		"HalfReader":          func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"DataErrReader":       func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
		"bufio of OneByte":    func(b []byte) io.Reader { return bufio.NewReaderSize(oneByte(b), 16) },
		"bufio of HalfReader": func(b []byte) io.Reader { return bufio.NewReader(iotest.HalfReader(bytes.NewReader(b))) },
	}
	for _, nc := range allCodecs(t) {
		stream := encodeAll(t, nc.codec, want...)
		for name, newReader := range readers {
			t.Run(nc.name+"/"+name, func(t *testing.T) {
				frames, err := decodeAll(nc.codec, newReader(stream))
				requireCleanEOF(t, err)
				requireFrames(t, frames, want)
			})
		}
	}
}

// TestReaderErrorsPassThrough checks that a failing connection's error
// reaches the caller intact, before a frame and in the middle of one.
func TestReaderErrorsPassThrough(t *testing.T) {
	for _, nc := range allCodecs(t) {
		stream := encodeAll(t, nc.codec, []byte("payload"))
		tests := []struct {
			name string
			r    io.Reader
			want error
		}{
			{"error before frame", iotest.ErrReader(errBoom), errBoom},
			{"error mid frame", io.MultiReader(bytes.NewReader(stream[:3]), iotest.ErrReader(errBoom)), errBoom},
			{"timeout mid frame", iotest.TimeoutReader(bytes.NewReader(stream[:3])), iotest.ErrTimeout},
			{"timeout through bufio", bufio.NewReader(iotest.TimeoutReader(bytes.NewReader(stream[:3]))), iotest.ErrTimeout},
		}
		for _, tt := range tests {
			t.Run(nc.name+"/"+tt.name, func(t *testing.T) {
				_, err := nc.codec.Decode(tt.r, nil)
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want it to wrap %v", err, tt.want)
				}
			})
		}
	}
}

// TestOversizeClaimRefusedBeforeAllocating sends headers that claim huge
// frames. The decoder must refuse them having allocated next to nothing,
// where the course's decoder did make([]byte, length) first.
func TestOversizeClaimRefusedBeforeAllocating(t *testing.T) {
	c := codec.NewLengthPrefixed(0)
	claims := map[string]uint32{"max+1": codec.DefaultMaxFrameSize + 1, "4 GiB": math.MaxUint32}
	for name, claim := range claims {
		t.Run(name, func(t *testing.T) {
			header := lengthHeader(claim)
			buf := make([]byte, 0, 64)
			perRun := bytesAllocatedPerRun(t, 100, func() {
				_, err := c.Decode(bytes.NewReader(header), buf)
				if !errors.Is(err, codec.ErrFrameTooLarge) {
					t.Fatalf("err = %v, want ErrFrameTooLarge", err)
				}
			})
			// The only allocation left is the error message.
			if perRun > 512 {
				t.Fatalf("refusing a %d-byte claim allocated %d bytes per call", claim, perRun)
			}
		})
	}
}

// TestClaimWithoutDataCostsLittle claims the largest allowed frame and
// then sends ten bytes. Memory must follow the bytes that arrived, not
// the claim: a few KiB, not 1 MiB.
func TestClaimWithoutDataCostsLittle(t *testing.T) {
	c := codec.NewLengthPrefixed(0)
	stream := append(lengthHeader(codec.DefaultMaxFrameSize), "ten bytes!"...)
	perRun := bytesAllocatedPerRun(t, 50, func() {
		_, err := c.Decode(bytes.NewReader(stream), nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
		}
	})
	if perRun > 16<<10 {
		t.Fatalf("a 1 MiB claim followed by 10 bytes allocated %d bytes per call", perRun)
	}
}

// TestDelimitedEndlessLineIsBounded feeds an endless line: the decoder must
// stop at the maximum and keep its memory near it.
func TestDelimitedEndlessLineIsBounded(t *testing.T) {
	const limit = 64 << 10
	c := codec.NewDelimited('\n', limit)
	readers := map[string]func() io.Reader{
		"bufio":      func() io.Reader { return bufio.NewReader(&repeatReader{data: []byte("no newline ")}) },
		"unbuffered": func() io.Reader { return &repeatReader{data: []byte("no newline ")} },
	}
	for name, newReader := range readers {
		t.Run(name, func(t *testing.T) {
			perRun := bytesAllocatedPerRun(t, 5, func() {
				_, err := c.Decode(newReader(), nil)
				if !errors.Is(err, codec.ErrFrameTooLarge) {
					t.Fatalf("err = %v, want ErrFrameTooLarge", err)
				}
			})
			if perRun > 4*limit {
				t.Fatalf("endless line allocated %d bytes per call, limit is %d", perRun, limit)
			}
		})
	}
}

// TestSteadyStateZeroAllocs proves the hot path: decoding into a reused
// buffer from a bufio.Reader, and encoding into a bufio.Writer, allocate
// nothing per frame.
func TestSteadyStateZeroAllocs(t *testing.T) {
	for _, nc := range allCodecs(t) {
		t.Run(nc.name, func(t *testing.T) {
			payload := payloadOf(200)
			br := bufio.NewReader(&repeatReader{data: encodeAll(t, nc.codec, payload)})
			buf := make([]byte, 0, 512)
			decodeAllocs := testing.AllocsPerRun(200, func() {
				frame, err := nc.codec.Decode(br, buf)
				if err != nil || len(frame) != len(payload) {
					t.Fatalf("Decode = %d bytes, %v", len(frame), err)
				}
			})
			bw := bufio.NewWriter(io.Discard)
			encodeAllocs := testing.AllocsPerRun(200, func() {
				if err := nc.codec.Encode(bw, payload); err != nil {
					t.Fatalf("Encode: %v", err)
				}
			})
			if decodeAllocs != 0 || encodeAllocs != 0 {
				t.Fatalf("allocs per frame: decode %v, encode %v; want 0 and 0", decodeAllocs, encodeAllocs)
			}
		})
	}
}

// lengthHeader builds a length-prefixed header claiming n bytes.
func lengthHeader(n uint32) []byte {
	return append([]byte(codec.Magic), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// bytesAllocatedPerRun reports the average heap bytes f allocates. Unlike
// testing.AllocsPerRun it counts bytes, which is what a hostile length
// claim attacks.
func bytesAllocatedPerRun(tb testing.TB, runs int, f func()) uint64 {
	tb.Helper()
	f() // warm up, as testing.AllocsPerRun does
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}
