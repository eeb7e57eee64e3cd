package codec

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Magic starts every length-prefixed frame. It is the course's 8-byte
// header, kept for wire compatibility: a receiver that finds anything else
// knows at once that it is out of step or talking to the wrong protocol.
const Magic = "12345678"

// lengthHeaderSize is the magic plus the 4-byte big-endian payload length.
const lengthHeaderSize = len(Magic) + 4

// LengthPrefixed frames each payload as Magic, a 4-byte big-endian payload
// length and the payload. It carries any bytes, including empty payloads.
type LengthPrefixed struct {
	maxFrameSize int
}

var _ Codec = (*LengthPrefixed)(nil)

// NewLengthPrefixed returns the course-compatible framing. maxFrameSize
// bounds the payload length both sides accept; zero or less means
// DefaultMaxFrameSize, and values above the 4-byte length field's range are
// capped to it.
func NewLengthPrefixed(maxFrameSize int) *LengthPrefixed {
	limit := maxOrDefault(maxFrameSize)
	if uint64(limit) > math.MaxUint32 {
		limit = math.MaxUint32
	}
	return &LengthPrefixed{maxFrameSize: limit}
}

// MaxFrameSize reports the largest payload this codec accepts.
func (c *LengthPrefixed) MaxFrameSize() int { return c.maxFrameSize }

// String names the framing for logs.
func (c *LengthPrefixed) String() string {
	return fmt.Sprintf("length-prefixed(max %d)", c.maxFrameSize)
}

// Encode writes the header and payload. It refuses payloads larger than
// the maximum, because the peer would refuse them anyway.
func (c *LengthPrefixed) Encode(w io.Writer, payload []byte) error {
	if err := checkSize(len(payload), c.maxFrameSize); err != nil {
		return err
	}
	if bw, ok := w.(bufferedWriter); ok {
		return writeBuffered(bw, appendLengthHeader(bw.AvailableBuffer(), len(payload)), payload, nil)
	}
	return writeGathered(w, appendLengthHeader(nil, len(payload)), payload, nil)
}

// appendLengthHeader appends the magic and n as a big-endian uint32.
func appendLengthHeader(dst []byte, n int) []byte {
	dst = append(dst, Magic...)
	return binary.BigEndian.AppendUint32(dst, uint32(n))
}

// Decode reads one frame. The header is read into buf's own memory (so a
// reused buffer needs no allocation), the magic and the claimed length are
// checked, and only then is the payload read, growing buf as it arrives.
func (c *LengthPrefixed) Decode(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) < lengthHeaderSize {
		buf = make([]byte, 0, growStep)
	}
	header := buf[:lengthHeaderSize]
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, atFrameStart(err)
	}
	n, err := c.parseHeader(header)
	if err != nil {
		return nil, err
	}
	return readFrame(r, buf, n)
}

// parseHeader validates a header and returns the payload length it claims.
func (c *LengthPrefixed) parseHeader(header []byte) (int, error) {
	if string(header[:len(Magic)]) != Magic {
		return 0, fmt.Errorf("%w: got %q, want %q", ErrBadMagic, header[:len(Magic)], Magic)
	}
	claimed := binary.BigEndian.Uint32(header[len(Magic):])
	if uint64(claimed) > uint64(c.maxFrameSize) {
		return 0, fmt.Errorf("%w: peer claims %d bytes, max %d", ErrFrameTooLarge, claimed, c.maxFrameSize)
	}
	return int(claimed), nil
}
