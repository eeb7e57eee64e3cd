package codec

import (
	"bytes"
	"fmt"
	"io"
)

// FixedLength frames each payload as a record of exactly Size bytes: short
// payloads are padded with the pad byte and the padding is removed on decode.
//
// Padding is ambiguous: a payload that itself ends in the pad byte cannot be
// told apart from padding. FixedLength resolves this by refusing such
// payloads in Encode (ErrTrailingPad), so every payload it accepts decodes to
// exactly itself. Pick a pad byte your payloads never end with (NUL for
// text, a space for right-trimmed text fields). If payloads are arbitrary
// binary, use LengthPrefixed instead.
type FixedLength struct {
	size    int
	pad     byte
	padding []byte // size copies of pad, so Encode never builds padding
}

var _ Codec = (*FixedLength)(nil)

// NewFixedLength returns a framing of size-byte records padded with pad.
// size must be between 1 and DefaultMaxFrameSize: the record size is also
// the maximum frame size, and a record is read whole.
func NewFixedLength(size int, pad byte) (*FixedLength, error) {
	if size < 1 || size > DefaultMaxFrameSize {
		return nil, fmt.Errorf("codec: fixed record size %d out of range [1, %d]", size, DefaultMaxFrameSize)
	}
	return &FixedLength{size: size, pad: pad, padding: bytes.Repeat([]byte{pad}, size)}, nil
}

// Size reports the record size, which is also the largest payload.
func (c *FixedLength) Size() int { return c.size }

// String names the framing for logs.
func (c *FixedLength) String() string {
	return fmt.Sprintf("fixed-length(%d bytes, pad %q)", c.size, c.pad)
}

// Encode writes payload padded to the record size. It refuses payloads
// longer than a record and payloads that end in the pad byte.
func (c *FixedLength) Encode(w io.Writer, payload []byte) error {
	if err := checkSize(len(payload), c.size); err != nil {
		return err
	}
	if n := len(payload); n > 0 && payload[n-1] == c.pad {
		return fmt.Errorf("%w: last byte is %q", ErrTrailingPad, c.pad)
	}
	return writeFrame(w, payload, c.padding[:c.size-len(payload)])
}

// Decode reads one whole record and returns it without its trailing pad
// bytes; an all-pad record is an empty payload. The record size is local
// configuration, not a peer's claim, so buf is grown to it at once.
func (c *FixedLength) Decode(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) < c.size {
		buf = make([]byte, c.size)
	}
	record := buf[:c.size]
	if _, err := io.ReadFull(r, record); err != nil {
		return nil, atFrameStart(err)
	}
	return c.trimPad(record), nil
}

// trimPad removes the trailing pad bytes Encode added.
func (c *FixedLength) trimPad(record []byte) []byte {
	n := len(record)
	for n > 0 && record[n-1] == c.pad {
		n--
	}
	return record[:n]
}
