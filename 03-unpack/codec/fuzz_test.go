package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"gatewaylab/03-unpack/codec"
)

// fuzzMax is small so the fuzzer reaches the size limits quickly.
const fuzzMax = 64

// The seed corpus lives in testdata/fuzz/<FuzzName>/, one named file per
// case (valid streams, truncations, bad magic, oversize claims, ...).
// Run a fuzzer with, for example:
//
//	go test ./03-unpack/codec -run '^$' -fuzz FuzzLengthPrefixed -fuzztime 30s

func FuzzLengthPrefixed(f *testing.F) {
	fuzzCodec(f, codec.NewLengthPrefixed(fuzzMax))
}

func FuzzFixedLength(f *testing.F) {
	fixed, err := codec.NewFixedLength(8, 0)
	if err != nil {
		f.Fatal(err)
	}
	fuzzCodec(f, fixed)
}

func FuzzDelimited(f *testing.F) {
	fuzzCodec(f, codec.NewDelimited('\n', fuzzMax))
}

// fuzzCodec treats each input both as a payload to send and as a stream
// received from a hostile peer.
func fuzzCodec(f *testing.F, c codec.Codec) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPayloadRoundTrip(t, c, data)
		checkStream(t, c, data)
	})
}

// checkPayloadRoundTrip: Encode either refuses data with a named error and
// writes nothing, or its output decodes to exactly data and then io.EOF.
func checkPayloadRoundTrip(t *testing.T, c codec.Codec, data []byte) {
	var wire bytes.Buffer
	if err := c.Encode(&wire, data); err != nil {
		if !codec.IsRefusal(err) || wire.Len() != 0 {
			t.Fatalf("Encode(%q) = %v after writing %d bytes; want a named refusal and no bytes", data, err, wire.Len())
		}
		return
	}
	frames, err := decodeAll(c, bufio.NewReader(&wire))
	if err != io.EOF || len(frames) != 1 || !bytes.Equal(frames[0], data) {
		t.Fatalf("round trip of %q: got %q, %v", data, frames, err)
	}
}

// checkStream decodes data as a received stream, through a bufio.Reader and
// one byte at a time (the delimiter codec's other code path). Both must
// agree, stop with io.EOF or a named error, and re-encoding the frames must
// give back the bytes they were decoded from.
func checkStream(t *testing.T, c codec.Codec, data []byte) {
	frames, err := decodeAll(c, bufio.NewReader(bytes.NewReader(data)))
	slowFrames, slowErr := decodeAll(c, oneByte(data))
	if !sameFrames(frames, slowFrames) || errorKind(err) != errorKind(slowErr) {
		t.Fatalf("readers disagree on %q: bufio %q, %v; one byte %q, %v", data, frames, err, slowFrames, slowErr)
	}
	if errorKind(err) == nil {
		t.Fatalf("Decode(%q) stopped with unnamed error %v", data, err)
	}
	var again bytes.Buffer
	for _, frame := range frames {
		if err := c.Encode(&again, frame); err != nil {
			t.Fatalf("re-encoding decoded frame %q: %v", frame, err)
		}
	}
	if !bytes.HasPrefix(data, again.Bytes()) || (err == io.EOF && again.Len() != len(data)) {
		t.Fatalf("re-encoded frames %q are not the stream they came from %q (stopped with %v)", again.Bytes(), data, err)
	}
}

// errorKind maps a decode error to the named error it is, or nil if it is
// none of them.
func errorKind(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	for _, named := range []error{io.ErrUnexpectedEOF, codec.ErrBadMagic, codec.ErrFrameTooLarge} {
		if errors.Is(err, named) {
			return named
		}
	}
	return nil
}

func sameFrames(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
