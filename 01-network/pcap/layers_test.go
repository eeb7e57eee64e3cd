package pcap_test

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"gatewaylab/01-network/pcap"
)

var tcpBytes = []byte{0x1f, 0x90, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0}

func ipv4(proto byte, fragment uint16, payload []byte) []byte {
	b := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	binary.BigEndian.PutUint16(b[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(b[6:], fragment)
	return append(b, payload...)
}

func ipv6(next byte, payload []byte) []byte {
	b := make([]byte, 40)
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], uint16(len(payload)))
	b[6] = next
	b[23], b[39] = 1, 2 // ::1 -> ::2
	return append(b, payload...)
}

func ether(etherType uint16, payload []byte) []byte {
	b := make([]byte, 12)
	b = binary.BigEndian.AppendUint16(b, etherType)
	return append(b, payload...)
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestUnwrap(t *testing.T) {
	v4 := ipv4(6, 0x4000, tcpBytes) // DF set: not a fragment
	v6 := ipv6(6, tcpBytes)
	tests := []struct {
		name    string
		link    pcap.LinkType
		frame   []byte
		wantSrc string
	}{
		{"ethernet ipv4", pcap.LinkEthernet, ether(0x0800, v4), "10.0.0.1"},
		{"ethernet padded short frame", pcap.LinkEthernet, ether(0x0800, concat(v4, make([]byte, 6))), "10.0.0.1"},
		{"ethernet vlan ipv6", pcap.LinkEthernet, ether(0x8100, concat([]byte{0, 1, 0x86, 0xdd}, v6)), "::1"},
		{"linux cooked v1", pcap.LinkLinuxSLL, concat(make([]byte, 16), v4), "10.0.0.1"},
		{"linux cooked v2", pcap.LinkLinuxSLL2, concat(make([]byte, 20), v6), "::1"},
		{"bsd loopback", pcap.LinkNull, concat([]byte{2, 0, 0, 0}, v4), "10.0.0.1"},
		{"raw ip", pcap.LinkRaw, v6, "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := pcap.Unwrap(tt.link, tt.frame)
			if err != nil {
				t.Fatalf("Unwrap: %v", err)
			}
			if p.Src != netip.MustParseAddr(tt.wantSrc) || string(p.TCP) != string(tcpBytes) {
				t.Errorf("Unwrap = %v -> %v %x; want from %s and the TCP bytes", p.Src, p.Dst, p.TCP, tt.wantSrc)
			}
		})
	}
}

func TestUnwrapRejects(t *testing.T) {
	v4 := ipv4(6, 0, tcpBytes)
	tests := []struct {
		name  string
		link  pcap.LinkType
		frame []byte
		want  error
	}{
		{"udp", pcap.LinkRaw, ipv4(17, 0, tcpBytes), pcap.ErrNotTCP},
		{"first fragment", pcap.LinkRaw, ipv4(6, 0x2000, tcpBytes), pcap.ErrNotTCP},
		{"later fragment", pcap.LinkRaw, ipv4(6, 0x0010, tcpBytes), pcap.ErrNotTCP},
		{"ipv6 extension header", pcap.LinkRaw, ipv6(0, tcpBytes), pcap.ErrNotTCP},
		{"arp", pcap.LinkEthernet, ether(0x0806, v4), pcap.ErrNotTCP},
		{"unknown link type", pcap.LinkType(999), v4, pcap.ErrNotTCP},
		{"ip version 5", pcap.LinkRaw, concat([]byte{0x50}, v4[1:]), pcap.ErrNotTCP},
		{"empty ip packet", pcap.LinkRaw, nil, pcap.ErrMalformed},
		{"short ethernet", pcap.LinkEthernet, make([]byte, 13), pcap.ErrMalformed},
		{"short vlan tag", pcap.LinkEthernet, ether(0x8100, []byte{0, 1}), pcap.ErrMalformed},
		{"short cooked header", pcap.LinkLinuxSLL, make([]byte, 15), pcap.ErrMalformed},
		{"short ipv4 header", pcap.LinkRaw, v4[:19], pcap.ErrMalformed},
		{"ipv4 total length beyond capture", pcap.LinkRaw, v4[:30], pcap.ErrMalformed},
		{"ipv4 header length below 20", pcap.LinkRaw, concat([]byte{0x44}, v4[1:]), pcap.ErrMalformed},
		{"short ipv6 header", pcap.LinkRaw, ipv6(6, nil)[:39], pcap.ErrMalformed},
		{"ipv6 payload beyond capture", pcap.LinkRaw, ipv6(6, tcpBytes)[:50], pcap.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p, err := pcap.Unwrap(tt.link, tt.frame); !errors.Is(err, tt.want) {
				t.Errorf("Unwrap = %+v, %v; want %v", p, err, tt.want)
			}
		})
	}
}
