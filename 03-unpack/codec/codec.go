package codec

import (
	"errors"
	"fmt"
	"io"
	"slices"
)

// Codec writes and reads one framing. One interface serves both directions
// because every framing needs both and the framed server takes exactly one
// value; implementations are immutable and safe for concurrent use (but two
// goroutines must not Encode to, or Decode from, the same stream at once).
type Codec interface {
	// Encode writes payload as one frame to w. It validates payload before
	// writing anything, so a refused payload leaves the stream untouched.
	Encode(w io.Writer, payload []byte) error

	// Decode reads one frame from r and returns its payload. The payload is
	// stored in buf's backing array when it fits (buf's length is ignored);
	// otherwise a larger array is allocated. Pass the returned slice back in
	// as buf to reuse its memory. It returns io.EOF, unwrapped, when r ends
	// cleanly before a frame starts.
	Decode(r io.Reader, buf []byte) ([]byte, error)
}

// DefaultMaxFrameSize is the largest payload accepted when no maximum is
// configured: 1 MiB, large enough for any message a gateway should buffer,
// small enough that a thousand hostile connections cannot exhaust memory.
const DefaultMaxFrameSize = 1 << 20

// Errors returned (wrapped with detail) by the codecs. Check with errors.Is.
var (
	// ErrBadMagic means a length-prefixed header did not start with "12345678":
	// the peer speaks another protocol or the stream is out of step.
	ErrBadMagic = errors.New("codec: bad magic")

	// ErrFrameTooLarge means a payload exceeds the maximum frame size, either
	// one the peer claimed or sent (Decode) or one the caller passed (Encode).
	ErrFrameTooLarge = errors.New("codec: frame too large")

	// ErrTrailingPad means FixedLength.Encode was given a payload that ends in
	// the pad byte; the pad would be stripped on decode, so it is refused.
	ErrTrailingPad = errors.New("codec: payload ends in pad byte")

	// ErrDelimiterInPayload means Delimited.Encode was given a payload that
	// contains the delimiter, which would split it into two frames.
	ErrDelimiterInPayload = errors.New("codec: payload contains delimiter")
)

// IsRefusal reports whether an error returned by Encode is a refusal: the
// payload does not fit the framing (too large, ends in the pad byte,
// contains the delimiter) and nothing was written, so the stream is intact.
func IsRefusal(err error) bool {
	return errors.Is(err, ErrFrameTooLarge) ||
		errors.Is(err, ErrTrailingPad) ||
		errors.Is(err, ErrDelimiterInPayload)
}

// growStep is the first allocation made for a frame that does not fit the
// caller's buffer. Later steps double what has arrived, so the memory spent
// on a frame is at most about twice the bytes the peer really sent.
const growStep = 4 << 10

// maxOrDefault turns a configured maximum into the effective one.
func maxOrDefault(limit int) int {
	if limit <= 0 {
		return DefaultMaxFrameSize
	}
	return limit
}

// checkSize refuses a payload of n bytes when it exceeds limit.
func checkSize(n, limit int) error {
	if n > limit {
		return fmt.Errorf("%w: %d bytes, max %d", ErrFrameTooLarge, n, limit)
	}
	return nil
}

// readFrame reads exactly n bytes (n already checked against the maximum)
// into buf's backing array. If they do not fit, it grows the array in bounded
// steps as bytes arrive instead of allocating n up front: n is only a claim.
// Reaching the end of r before n bytes is io.ErrUnexpectedEOF, because the
// caller has already consumed the start of this frame.
func readFrame(r io.Reader, buf []byte, n int) ([]byte, error) {
	if n <= cap(buf) {
		buf = buf[:n]
		_, err := io.ReadFull(r, buf)
		return buf, midFrame(err)
	}
	buf = buf[:0]
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = grow(buf, n)
		}
		got, err := io.ReadFull(r, buf[len(buf):min(n, cap(buf))])
		buf = buf[:len(buf)+got]
		if err != nil {
			return buf, midFrame(err)
		}
	}
	return buf, nil
}

// grow makes room in buf for more of a frame that may reach limit bytes
// (len(buf) < limit). It doubles what has arrived, starting at growStep and
// never passing limit, so memory tracks the bytes that really came.
func grow(buf []byte, limit int) []byte {
	return slices.Grow(buf, min(limit, max(2*len(buf), growStep))-len(buf))
}

// midFrame classifies a read error that happened after a frame started:
// a clean end of stream there means the frame was cut short.
func midFrame(err error) error {
	switch {
	case err == nil:
		return nil
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return fmt.Errorf("codec: frame truncated: %w", io.ErrUnexpectedEOF)
	default:
		return fmt.Errorf("codec: read frame: %w", err)
	}
}

// atFrameStart classifies a read error that happened before any byte of a
// frame arrived: a clean end of stream there is a clean io.EOF.
func atFrameStart(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return midFrame(err)
}
