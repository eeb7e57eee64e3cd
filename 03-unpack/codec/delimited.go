package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultDelimiter ends each frame of a line-oriented protocol.
const DefaultDelimiter byte = '\n'

// Delimited frames each payload as the payload followed by a delimiter byte.
//
// A payload that contains the delimiter would arrive as two frames. Delimited
// refuses such payloads in Encode (ErrDelimiterInPayload) instead of escaping
// them: the point of a delimiter framing is that the wire stays plain text
// that nc, telnet and line-based tools read and write, and escaping would
// break that. Binary payloads belong in LengthPrefixed. The delimiter is not
// part of the payload, and a "\r" before a "\n" is kept: the codec is exact,
// and a protocol that wants CRLF strips it itself.
type Delimited struct {
	delim        byte
	maxFrameSize int
	trailer      []byte // the delimiter as a one-byte slice, for writeFrame
}

var _ Codec = (*Delimited)(nil)

// NewDelimited returns a framing that ends each frame with delim (usually
// DefaultDelimiter). maxFrameSize bounds the payload length, delimiter not
// counted; zero or less means DefaultMaxFrameSize.
func NewDelimited(delim byte, maxFrameSize int) *Delimited {
	return &Delimited{delim: delim, maxFrameSize: maxOrDefault(maxFrameSize), trailer: []byte{delim}}
}

// MaxFrameSize reports the largest payload this codec accepts.
func (c *Delimited) MaxFrameSize() int { return c.maxFrameSize }

// String names the framing for logs.
func (c *Delimited) String() string {
	return fmt.Sprintf("delimited(%q, max %d)", c.delim, c.maxFrameSize)
}

// Encode writes payload and the delimiter. It refuses payloads that are too
// large or that contain the delimiter.
func (c *Delimited) Encode(w io.Writer, payload []byte) error {
	if err := checkSize(len(payload), c.maxFrameSize); err != nil {
		return err
	}
	if i := bytes.IndexByte(payload, c.delim); i >= 0 {
		return fmt.Errorf("%w: %q at offset %d", ErrDelimiterInPayload, c.delim, i)
	}
	return writeFrame(w, payload, c.trailer)
}

// sliceReader is implemented by *bufio.Reader. Scanning its buffer for the
// delimiter is what makes delimited decoding fast.
type sliceReader interface {
	ReadSlice(delim byte) ([]byte, error)
}

// Decode reads up to and including the next delimiter and returns the bytes
// before it. More than the maximum frame size without a delimiter is
// ErrFrameTooLarge; buf grows only as bytes arrive.
//
// With a *bufio.Reader it scans the reader's buffer. With any other reader
// it must read one byte per call, because reading ahead would swallow the
// start of the next frame: wrap connections in a bufio.Reader.
func (c *Delimited) Decode(r io.Reader, buf []byte) ([]byte, error) {
	if sr, ok := r.(sliceReader); ok {
		return c.decodeBuffered(sr, buf[:0])
	}
	return c.decodeUnbuffered(r, buf[:0])
}

// decodeBuffered appends the slices ReadSlice returns until one ends with
// the delimiter, checking the size before each append.
func (c *Delimited) decodeBuffered(r sliceReader, buf []byte) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice(c.delim)
		payloadLen := len(buf) + len(chunk)
		if err == nil {
			payloadLen-- // the delimiter
		}
		if payloadLen > c.maxFrameSize {
			return nil, c.tooLarge()
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			return buf[:payloadLen], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case len(buf) == 0:
			return nil, atFrameStart(err)
		default:
			return nil, midFrame(err)
		}
	}
}

// decodeUnbuffered reads byte by byte into buf until the delimiter.
func (c *Delimited) decodeUnbuffered(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = grow(buf, c.maxFrameSize+1) // +1: room to read the delimiter
		}
		next := buf[len(buf) : len(buf)+1]
		if _, err := io.ReadFull(r, next); err != nil {
			if len(buf) == 0 {
				return nil, atFrameStart(err)
			}
			return nil, midFrame(err)
		}
		if next[0] == c.delim {
			return buf, nil
		}
		if len(buf) == c.maxFrameSize {
			return nil, c.tooLarge()
		}
		buf = buf[:len(buf)+1]
	}
}

// tooLarge reports a frame that ran past the maximum without a delimiter.
func (c *Delimited) tooLarge() error {
	return fmt.Errorf("%w: no %q within %d bytes", ErrFrameTooLarge, c.delim, c.maxFrameSize)
}
