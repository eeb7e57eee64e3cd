package segment_test

import (
	"reflect"
	"testing"

	"gatewaylab/01-network/segment"
)

// FuzzDecode checks the round trip: whatever Decode accepts, Append
// re-encodes to bytes of the same length that decode to the same segment.
func FuzzDecode(f *testing.F) {
	for _, g := range goldens {
		f.Add(goldenBytes(f, g.hex))
	}
	for _, seed := range [][]byte{
		withHeader(0x70, 0x10, 0x1e, 0x04, 0xab, 0xcd, 0x00, 0, 0, 0), // unknown option, EOL, padding
		withHeader(0x60, 0x02, 0x00, 0xff, 0xff, 0xff),                // EOL then non-zero padding
		withHeader(0x60, 0x02, 0x02, 0x00, 0, 0),                      // option length 0
		withHeader(0xf0, 0x02),                                        // data offset 15 past the end
		withHeader(0x5f, 0xff, 'x'),                                   // every flag, one payload byte
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := segment.Decode(b)
		if err != nil {
			return
		}
		out, err := s.Append(nil)
		if err != nil {
			t.Fatalf("Append(Decode(%x)): %v", b, err)
		}
		if len(out) != len(b) {
			t.Fatalf("re-encoded %d bytes from %d", len(out), len(b))
		}
		again, err := segment.Decode(out)
		if err != nil {
			t.Fatalf("Decode(Append(Decode(%x))) = %v", b, err)
		}
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("round trip changed the segment:\n %+v\n %+v", s, again)
		}
	})
}
