package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Errors returned by Reader.
var (
	// ErrNotPcap reports a file that does not start with a pcap magic number.
	ErrNotPcap = errors.New("not a pcap file")
	// ErrTruncated reports a file that ends inside a header or record. It
	// wraps io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("pcap truncated: %w", io.ErrUnexpectedEOF)
	// ErrRecordTooLarge reports a record longer than the snapshot length or
	// MaxRecordSize, refused before anything is allocated for it.
	ErrRecordTooLarge = errors.New("pcap record too large")
)

// MaxRecordSize bounds one record's captured length whatever the file's
// snapshot length says (tcpdump's default snapshot length is 262144).
const MaxRecordSize = 1 << 18

// The magic numbers, as read in big-endian order.
const (
	magicMicro        = 0xa1b2c3d4
	magicNano         = 0xa1b23c4d
	magicMicroSwapped = 0xd4c3b2a1
	magicNanoSwapped  = 0x4d3cb2a1
)

const (
	fileHeaderLen   = 24
	recordHeaderLen = 16
)

// Header is the file header.
type Header struct {
	VersionMajor, VersionMinor uint16
	SnapLen                    uint32 // the longest record the capture kept
	LinkType                   LinkType
	Nanosecond                 bool // timestamps have nanosecond, not microsecond, resolution
}

// Record is one captured frame.
type Record struct {
	Time    time.Time
	OrigLen int    // length of the frame on the wire
	Data    []byte // the captured bytes, at most the snapshot length
}

// Reader reads records from a pcap stream.
type Reader struct {
	r      io.Reader
	order  binary.ByteOrder
	header Header
	rec    [recordHeaderLen]byte
}

// NewReader reads the file header from r.
func NewReader(r io.Reader) (*Reader, error) {
	var b [fileHeaderLen]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("file header: %w", truncated(err))
	}
	rd := &Reader{r: r}
	switch binary.BigEndian.Uint32(b[:4]) {
	case magicMicro, magicNano:
		rd.order = binary.BigEndian
	case magicMicroSwapped, magicNanoSwapped:
		rd.order = binary.LittleEndian
	default:
		return nil, fmt.Errorf("%w: magic %#08x", ErrNotPcap, binary.BigEndian.Uint32(b[:4]))
	}
	rd.header = Header{
		VersionMajor: rd.order.Uint16(b[4:]),
		VersionMinor: rd.order.Uint16(b[6:]),
		SnapLen:      rd.order.Uint32(b[16:]),
		// The top bits of the link-type field carry FCS flags; the type is the low 28.
		LinkType:   LinkType(rd.order.Uint32(b[20:]) & 0x0fffffff),
		Nanosecond: rd.order.Uint32(b[:4]) == magicNano,
	}
	return rd, nil
}

// Header returns the file header.
func (r *Reader) Header() Header { return r.header }

// Next returns the next record, or io.EOF after the last one. Record.Data
// is freshly allocated for each record.
func (r *Reader) Next() (Record, error) {
	if _, err := io.ReadFull(r.r, r.rec[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF // a clean end between records
		}
		return Record{}, fmt.Errorf("record header: %w", truncated(err))
	}
	sec, frac := r.order.Uint32(r.rec[0:]), r.order.Uint32(r.rec[4:])
	inclLen, origLen := r.order.Uint32(r.rec[8:]), r.order.Uint32(r.rec[12:])
	if inclLen > MaxRecordSize || (r.header.SnapLen > 0 && inclLen > r.header.SnapLen) {
		return Record{}, fmt.Errorf("%w: %d bytes (snapshot length %d)", ErrRecordTooLarge, inclLen, r.header.SnapLen)
	}
	data := make([]byte, inclLen)
	if _, err := io.ReadFull(r.r, data); err != nil {
		return Record{}, fmt.Errorf("record of %d bytes: %w", inclLen, truncated(err))
	}
	nsec := int64(frac) * 1000
	if r.header.Nanosecond {
		nsec = int64(frac)
	}
	return Record{Time: time.Unix(int64(sec), nsec).UTC(), OrigLen: int(origLen), Data: data}, nil
}

// truncated maps a short read to ErrTruncated and keeps other errors.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}
