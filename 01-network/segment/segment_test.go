package segment_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"gatewaylab/01-network/segment"
)

// withHeader returns a 20-byte header with the given data offset byte and
// flags byte, followed by extra.
func withHeader(offsetByte, flagsByte byte, extra ...byte) []byte {
	b := []byte{0x1f, 0x90, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, offsetByte, flagsByte, 0xff, 0xff, 0, 0, 0, 0}
	return append(b, extra...)
}

func TestDecodeEveryPrefixOfHeaderIsTruncated(t *testing.T) {
	syn := goldenBytes(t, goldens[0].hex) // 40-byte header, no payload
	for i := range len(syn) {
		_, err := segment.Decode(syn[:i])
		if !errors.Is(err, segment.ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("Decode(first %d of %d bytes) = %v; want ErrTruncated wrapping io.ErrUnexpectedEOF", i, len(syn), err)
		}
	}
}

func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"data offset below 5", withHeader(0x40, 0x02), segment.ErrBadDataOffset},
		{"data offset 0", withHeader(0x00, 0x02), segment.ErrBadDataOffset},
		{"data offset past the end", withHeader(0x60, 0x02), segment.ErrTruncated},
		{"option length 0", withHeader(0x60, 0x02, 0x02, 0x00, 0, 0), segment.ErrBadOption},
		{"option length 1", withHeader(0x60, 0x02, 0x1e, 0x01, 0, 0), segment.ErrBadOption},
		{"option runs past the header", withHeader(0x60, 0x02, 0x1e, 0x08, 0, 0), segment.ErrBadOption},
		{"kind without length byte", withHeader(0x60, 0x02, 0x01, 0x01, 0x01, 0x1e), segment.ErrBadOption},
		{"MSS of length 3", withHeader(0x60, 0x02, 0x02, 0x03, 0x05, 0x00), segment.ErrBadOption},
		{"window scale of length 4", withHeader(0x60, 0x02, 0x03, 0x04, 0x07, 0x00), segment.ErrBadOption},
		{"SACK-permitted of length 4", withHeader(0x60, 0x02, 0x04, 0x04, 0x00, 0x00), segment.ErrBadOption},
		{"timestamps of length 6", withHeader(0x70, 0x02, 0x08, 0x06, 0, 0, 0, 0, 0, 0), segment.ErrBadOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := segment.Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode(%x) = %+v, %v; want %v", tt.in, s, err, tt.want)
			}
		})
	}
}

func TestUnknownOptionsAndPaddingSurvive(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		options string
	}{
		// Kind 30 (MPTCP) with 2 data bytes, then EOL and padding.
		{"unknown option kept", withHeader(0x70, 0x10, 0x1e, 0x04, 0xab, 0xcd, 0x00, 0, 0, 0), "opt-30 len 4,eol"},
		{"SACK blocks", withHeader(0x80, 0x10, 0x01, 0x01, 0x05, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2), "nop,nop,sack 1 blocks"},
		{"reserved and AE bits", withHeader(0x5f, 0x10), ""},
		{"payload after options", withHeader(0x60, 0x18, 0x01, 0x01, 0x01, 0x00, 'h', 'i'), "nop,nop,nop,eol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := segment.Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := optionString(s.Options); got != tt.options {
				t.Errorf("options = %q; want %q", got, tt.options)
			}
			out, err := s.Append(nil)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if !bytes.Equal(out, tt.in) {
				t.Errorf("Append(Decode(b)) = %x; want %x", out, tt.in)
			}
		})
	}
}

func TestFlagsString(t *testing.T) {
	tests := []struct {
		flags segment.Flags
		want  string
	}{
		{segment.SYN, "SYN"},
		{segment.SYN | segment.ACK, "SYN|ACK"},
		{segment.FIN | segment.PSH | segment.ACK, "FIN|PSH|ACK"},
		{segment.AE | segment.CWR | segment.ECE, "ECE|CWR|AE"},
		{0, "none"},
		{0x0e00, "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.flags.String(); got != tt.want {
				t.Errorf("Flags(%#x).String() = %q; want %q", uint16(tt.flags), got, tt.want)
			}
		})
	}
}

func TestAppendChoosesMinimalDataOffset(t *testing.T) {
	s := segment.Segment{Header: segment.Header{
		SrcPort: 1, DstPort: 2, Flags: segment.SYN,
		Options: []segment.Option{{Kind: segment.OptMSS, Data: []byte{0x05, 0xb4}}, {Kind: segment.OptWindowScale, Data: []byte{7}}},
	}}
	b, err := s.Append(nil)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	// 7 bytes of options round up to 8: data offset 7 words.
	if len(b) != 28 || b[12]>>4 != 7 {
		t.Fatalf("Append = %x (%d bytes); want 28 bytes, data offset 7", b, len(b))
	}
	back, err := segment.Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if mss, _ := back.MSS(); mss != 1460 {
		t.Errorf("MSS after round trip = %d; want 1460", mss)
	}
}

func TestAppendErrors(t *testing.T) {
	tests := []struct {
		name string
		hdr  segment.Header
		want error
	}{
		{"options need more than 40 bytes",
			segment.Header{Options: []segment.Option{{Kind: 30, Data: make([]byte, 40)}}}, segment.ErrBadDataOffset},
		{"data offset too small for the options",
			segment.Header{DataOffset: 5, Options: []segment.Option{{Kind: segment.OptNOP}}}, segment.ErrBadDataOffset},
		{"data offset beyond 15 words",
			segment.Header{DataOffset: 16}, segment.ErrBadDataOffset},
		{"option longer than its length byte",
			segment.Header{Options: []segment.Option{{Kind: 30, Data: make([]byte, 254)}}}, segment.ErrBadOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := segment.Segment{Header: tt.hdr}
			if _, err := s.Append(nil); !errors.Is(err, tt.want) {
				t.Errorf("Append = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestSegmentLen(t *testing.T) {
	tests := []struct {
		name    string
		flags   segment.Flags
		payload string
		want    uint32
	}{
		{"SYN takes one", segment.SYN, "", 1},
		{"pure ACK takes none", segment.ACK, "", 0},
		{"data takes its bytes", segment.ACK | segment.PSH, "hello\n", 6},
		{"FIN with data", segment.FIN | segment.ACK, "bye", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := segment.Segment{Header: segment.Header{Flags: tt.flags}, Payload: []byte(tt.payload)}
			if got := s.Len(); got != tt.want {
				t.Errorf("Len() = %d; want %d", got, tt.want)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	syn := goldenBytes(b, goldens[0].hex)
	b.SetBytes(int64(len(syn)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := segment.Decode(syn); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	syn, err := segment.Decode(goldenBytes(b, goldens[0].hex))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := syn.Append(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
