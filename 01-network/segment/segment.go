package segment

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Errors returned by Decode and Append.
var (
	// ErrTruncated reports fewer bytes than the header needs. It wraps
	// io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("tcp segment truncated: %w", io.ErrUnexpectedEOF)
	// ErrBadDataOffset reports a data offset below 5 words (20 bytes), or
	// one too small for the options to encode.
	ErrBadDataOffset = errors.New("bad tcp data offset")
	// ErrBadOption reports an option whose length byte is impossible or
	// wrong for its kind.
	ErrBadOption = errors.New("bad tcp option")
)

const (
	minHeaderLen = 20 // bytes, without options
	maxHeaderLen = 60 // the 4-bit data offset counts up to 15 words
)

// Header is a decoded TCP header.
type Header struct {
	SrcPort, DstPort uint16
	Seq              uint32 // sequence number of the first data byte (of the SYN, if set)
	Ack              uint32 // next sequence number expected from the peer, if ACK is set
	// DataOffset is the header length in 32-bit words, 5 to 15. When
	// encoding, zero means the smallest length that holds the options.
	DataOffset uint8
	Flags      Flags
	Window     uint16 // receive window, before window scaling
	Checksum   uint16 // kept as captured: it covers an IP pseudo-header this package does not see
	Urgent     uint16
	Options    []Option // in wire order; after an EOL the rest of the header is padding
}

// Segment is a TCP header and its payload.
type Segment struct {
	Header
	Payload []byte
}

// Len is the number of sequence numbers the segment occupies: its payload
// plus one for SYN and one for FIN. The peer acknowledges Seq + Len.
func (s *Segment) Len() uint32 {
	n := uint32(len(s.Payload))
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// Decode parses a TCP segment. The returned Segment's Options and Payload
// alias b.
func Decode(b []byte) (Segment, error) {
	if len(b) < minHeaderLen {
		return Segment{}, fmt.Errorf("header needs %d bytes, have %d: %w", minHeaderLen, len(b), ErrTruncated)
	}
	var s Segment
	s.SrcPort = binary.BigEndian.Uint16(b[0:])
	s.DstPort = binary.BigEndian.Uint16(b[2:])
	s.Seq = binary.BigEndian.Uint32(b[4:])
	s.Ack = binary.BigEndian.Uint32(b[8:])
	s.DataOffset = b[12] >> 4
	s.Flags = Flags(b[12]&0x0f)<<8 | Flags(b[13])
	s.Window = binary.BigEndian.Uint16(b[14:])
	s.Checksum = binary.BigEndian.Uint16(b[16:])
	s.Urgent = binary.BigEndian.Uint16(b[18:])
	hlen := int(s.DataOffset) * 4
	if hlen < minHeaderLen {
		return Segment{}, fmt.Errorf("%w: %d words", ErrBadDataOffset, s.DataOffset)
	}
	if hlen > len(b) {
		return Segment{}, fmt.Errorf("data offset says %d header bytes, have %d: %w", hlen, len(b), ErrTruncated)
	}
	opts, err := decodeOptions(b[minHeaderLen:hlen])
	if err != nil {
		return Segment{}, err
	}
	s.Options, s.Payload = opts, b[hlen:]
	return s, nil
}

// decodeOptions parses the options area. Known fixed-length options must
// have their fixed length; unknown ones only a sane length byte.
func decodeOptions(b []byte) ([]Option, error) {
	if len(b) == 0 {
		return nil, nil
	}
	// A handshake carries five or six options; one allocation holds them.
	opts := make([]Option, 0, min(len(b), 8))
	for i := 0; i < len(b); {
		kind := OptionKind(b[i])
		switch kind {
		case OptEOL:
			return append(opts, Option{Kind: OptEOL}), nil
		case OptNOP:
			opts = append(opts, Option{Kind: OptNOP})
			i++
			continue
		}
		if i+1 >= len(b) {
			return nil, fmt.Errorf("%w: kind %d at offset %d has no length byte", ErrBadOption, kind, minHeaderLen+i)
		}
		n := int(b[i+1])
		if n < 2 || i+n > len(b) {
			return nil, fmt.Errorf("%w: kind %d at offset %d has length %d, %d bytes left", ErrBadOption, kind, minHeaderLen+i, n, len(b)-i)
		}
		if want := kind.wantLen(); want != 0 && n != want {
			return nil, fmt.Errorf("%w: kind %d has length %d, want %d", ErrBadOption, kind, n, want)
		}
		opts = append(opts, Option{Kind: kind, Data: b[i+2 : i+n]})
		i += n
	}
	return opts, nil
}

// Append encodes s and appends it to b. The checksum is written as it is
// in s.Checksum. It fails if the options need more than 40 bytes, if
// DataOffset is set but too small for them, or if an option is too long
// for its length byte.
func (s *Segment) Append(b []byte) ([]byte, error) {
	optLen := 0
	for _, o := range s.Options {
		if o.Kind != OptEOL && o.Kind != OptNOP && len(o.Data) > 253 {
			return nil, fmt.Errorf("%w: kind %d carries %d bytes", ErrBadOption, o.Kind, len(o.Data))
		}
		optLen += o.Len()
	}
	hlen := int(s.DataOffset) * 4
	if s.DataOffset == 0 {
		hlen = minHeaderLen + (optLen+3)/4*4
	}
	if hlen > maxHeaderLen || hlen < minHeaderLen+optLen {
		return nil, fmt.Errorf("%w: %d header bytes for %d bytes of options", ErrBadDataOffset, hlen, optLen)
	}
	b = binary.BigEndian.AppendUint16(b, s.SrcPort)
	b = binary.BigEndian.AppendUint16(b, s.DstPort)
	b = binary.BigEndian.AppendUint32(b, s.Seq)
	b = binary.BigEndian.AppendUint32(b, s.Ack)
	b = append(b, byte(hlen/4)<<4|byte(s.Flags>>8&0x0f), byte(s.Flags))
	b = binary.BigEndian.AppendUint16(b, s.Window)
	b = binary.BigEndian.AppendUint16(b, s.Checksum)
	b = binary.BigEndian.AppendUint16(b, s.Urgent)
	b = appendOptions(b, s.Options)
	b = append(b, make([]byte, hlen-minHeaderLen-optLen)...) // zero padding
	return append(b, s.Payload...), nil
}

func appendOptions(b []byte, opts []Option) []byte {
	for _, o := range opts {
		if o.Kind == OptEOL || o.Kind == OptNOP {
			b = append(b, byte(o.Kind))
			continue
		}
		b = append(b, byte(o.Kind), byte(2+len(o.Data)))
		b = append(b, o.Data...)
	}
	return b
}
