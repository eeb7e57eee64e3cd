package pcap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"gatewaylab/01-network/pcap"
)

func sampleBytes(t testing.TB) []byte {
	t.Helper()
	b, err := io.ReadAll(pcap.LoopbackSample())
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	return b
}

// readAll returns every record, and the error that ended the stream.
func readAll(b []byte) ([]pcap.Record, pcap.Header, error) {
	r, err := pcap.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, pcap.Header{}, err
	}
	var recs []pcap.Record
	for {
		rec, err := r.Next()
		if err != nil {
			return recs, r.Header(), err
		}
		recs = append(recs, rec)
	}
}

func TestReadSample(t *testing.T) {
	recs, hdr, err := readAll(sampleBytes(t))
	if !errors.Is(err, io.EOF) {
		t.Fatalf("stream ended with %v; want io.EOF", err)
	}
	want := pcap.Header{VersionMajor: 2, VersionMinor: 4, SnapLen: 262144, LinkType: pcap.LinkEthernet}
	if hdr != want {
		t.Errorf("header = %+v; want %+v", hdr, want)
	}
	if len(recs) != 11 {
		t.Fatalf("%d records; want 11", len(recs))
	}
	loopback := netip.MustParseAddr("127.0.0.1")
	for i, rec := range recs {
		p, err := pcap.Unwrap(hdr.LinkType, rec.Data)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if p.Src != loopback || p.Dst != loopback || len(p.TCP) < 20 {
			t.Errorf("record %d: %v -> %v, %d TCP bytes", i, p.Src, p.Dst, len(p.TCP))
		}
		if rec.OrigLen != len(rec.Data) {
			t.Errorf("record %d: %d of %d bytes captured; want all", i, len(rec.Data), rec.OrigLen)
		}
	}
	if d := recs[len(recs)-1].Time.Sub(recs[0].Time); d <= 0 || d > time.Second {
		t.Errorf("capture spans %v; want the ~300ms conversation", d)
	}
}

// TestEveryPrefix cuts the sample at every byte: the stream must end with
// io.EOF exactly at record boundaries and with ErrTruncated anywhere else.
func TestEveryPrefix(t *testing.T) {
	full := sampleBytes(t)
	boundaries := map[int]bool{}
	off := 24
	for off < len(full) {
		boundaries[off] = true
		off += 16 + int(binary.LittleEndian.Uint32(full[off+8:]))
	}
	for i := range len(full) {
		_, _, err := readAll(full[:i])
		switch {
		case boundaries[i] && !errors.Is(err, io.EOF):
			t.Fatalf("prefix %d (a record boundary) ended with %v; want io.EOF", i, err)
		case !boundaries[i] && (!errors.Is(err, pcap.ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF)):
			t.Fatalf("prefix %d ended with %v; want ErrTruncated", i, err)
		}
	}
}

// file builds a pcap stream by hand.
func file(order binary.AppendByteOrder, magic uint32, snaplen uint32, link pcap.LinkType, records ...[]byte) []byte {
	var b []byte
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...) // thiszone, sigfigs
	b = order.AppendUint32(b, snaplen)
	b = order.AppendUint32(b, uint32(link))
	for _, r := range records {
		b = order.AppendUint32(b, 1700000000)
		b = order.AppendUint32(b, 5)
		b = order.AppendUint32(b, uint32(len(r)))
		b = order.AppendUint32(b, uint32(len(r)))
		b = append(b, r...)
	}
	return b
}

func TestByteOrderAndResolution(t *testing.T) {
	tests := []struct {
		name     string
		order    binary.AppendByteOrder
		magic    uint32
		wantNano bool
		wantTime time.Time
	}{
		{"big-endian microseconds", binary.BigEndian, 0xa1b2c3d4, false, time.Unix(1700000000, 5000)},
		{"little-endian microseconds", binary.LittleEndian, 0xa1b2c3d4, false, time.Unix(1700000000, 5000)},
		{"big-endian nanoseconds", binary.BigEndian, 0xa1b23c4d, true, time.Unix(1700000000, 5)},
		{"little-endian nanoseconds", binary.LittleEndian, 0xa1b23c4d, true, time.Unix(1700000000, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, hdr, err := readAll(file(tt.order, tt.magic, 65535, pcap.LinkRaw, []byte("abc")))
			if !errors.Is(err, io.EOF) || len(recs) != 1 {
				t.Fatalf("read: %d records, %v", len(recs), err)
			}
			if hdr.Nanosecond != tt.wantNano || hdr.LinkType != pcap.LinkRaw || hdr.SnapLen != 65535 {
				t.Errorf("header = %+v", hdr)
			}
			if !recs[0].Time.Equal(tt.wantTime) || string(recs[0].Data) != "abc" {
				t.Errorf("record = %v %q; want %v \"abc\"", recs[0].Time, recs[0].Data, tt.wantTime)
			}
		})
	}
}

func TestReaderRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"pcapng", append([]byte{0x0a, 0x0d, 0x0d, 0x0a}, make([]byte, 20)...), pcap.ErrNotPcap},
		{"empty", nil, pcap.ErrTruncated},
		{"record beyond snapshot length", file(binary.BigEndian, 0xa1b2c3d4, 2, pcap.LinkRaw, []byte("abc")), pcap.ErrRecordTooLarge},
		{"record beyond MaxRecordSize", file(binary.BigEndian, 0xa1b2c3d4, 0, pcap.LinkRaw, make([]byte, pcap.MaxRecordSize+1)), pcap.ErrRecordTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := readAll(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("read = %v; want %v", err, tt.want)
			}
		})
	}
}

func BenchmarkReadSample(b *testing.B) {
	sample := sampleBytes(b)
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := readAll(sample); !errors.Is(err, io.EOF) {
			b.Fatal(err)
		}
	}
}
