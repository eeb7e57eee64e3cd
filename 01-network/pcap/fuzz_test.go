package pcap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"gatewaylab/01-network/pcap"
)

// FuzzReader checks that any input ends in io.EOF or a named error, and
// that no record is longer than the limits allow.
func FuzzReader(f *testing.F) {
	f.Add(sampleBytes(f))
	f.Add(file(binary.BigEndian, 0xa1b23c4d, 10, pcap.LinkRaw, []byte("abc")))
	f.Add(file(binary.LittleEndian, 0xa1b2c3d4, 0, pcap.LinkEthernet, ether(0x0800, ipv4(6, 0, tcpBytes))))
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := pcap.NewReader(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, pcap.ErrNotPcap) && !errors.Is(err, pcap.ErrTruncated) {
				t.Fatalf("NewReader: unexpected error %v", err)
			}
			return
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) || errors.Is(err, pcap.ErrTruncated) || errors.Is(err, pcap.ErrRecordTooLarge) {
				return
			}
			if err != nil {
				t.Fatalf("Next: unexpected error %v", err)
			}
			snap := r.Header().SnapLen
			if len(rec.Data) > pcap.MaxRecordSize || (snap > 0 && len(rec.Data) > int(snap)) {
				t.Fatalf("record of %d bytes exceeds the limits (snapshot length %d)", len(rec.Data), snap)
			}
			unwrapInvariant(t, r.Header().LinkType, rec.Data)
		}
	})
}

// FuzzUnwrap checks that Unwrap fails with a named error or returns a TCP
// slice that lies inside the frame.
func FuzzUnwrap(f *testing.F) {
	f.Add(uint32(pcap.LinkEthernet), ether(0x0800, ipv4(6, 0, tcpBytes)))
	f.Add(uint32(pcap.LinkRaw), ipv6(6, tcpBytes))
	f.Add(uint32(pcap.LinkLinuxSLL2), make([]byte, 60))
	f.Fuzz(func(t *testing.T, link uint32, frame []byte) {
		unwrapInvariant(t, pcap.LinkType(link), frame)
	})
}

func unwrapInvariant(t *testing.T, link pcap.LinkType, frame []byte) {
	t.Helper()
	p, err := pcap.Unwrap(link, frame)
	if err != nil {
		if !errors.Is(err, pcap.ErrNotTCP) && !errors.Is(err, pcap.ErrMalformed) {
			t.Fatalf("Unwrap: unexpected error %v", err)
		}
		return
	}
	if len(p.TCP) > len(frame) || !p.Src.IsValid() || !p.Dst.IsValid() {
		t.Fatalf("Unwrap = %+v from a %d-byte frame", p, len(frame))
	}
}
