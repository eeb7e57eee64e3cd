package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// LinkType identifies the link-layer header of each record.
type LinkType uint32

// The link types Unwrap understands.
const (
	LinkNull      LinkType = 0   // BSD loopback: 4-byte address family in host order
	LinkEthernet  LinkType = 1   // Ethernet II (Linux "lo" captures use it too)
	LinkRaw       LinkType = 101 // no link header: the frame starts with IP
	LinkLinuxSLL  LinkType = 113 // Linux cooked capture v1 ("tcpdump -i any")
	LinkLoop      LinkType = 108 // OpenBSD loopback: address family in network order
	LinkLinuxSLL2 LinkType = 276 // Linux cooked capture v2
)

// ErrNotTCP reports a frame that does not carry a whole TCP segment: another
// protocol, an IP fragment or an IPv6 extension header.
var ErrNotTCP = errors.New("not a TCP segment")

// ErrMalformed reports a frame whose headers contradict themselves or are
// cut short.
var ErrMalformed = errors.New("malformed frame")

// Packet is a TCP segment with the IP addresses it travelled between.
type Packet struct {
	Src, Dst netip.Addr
	TCP      []byte // the TCP header and payload; aliases the frame
}

const (
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86DD
	etherTypeVLAN = 0x8100
	protoTCP      = 6
)

// Unwrap strips the link and IP headers from a captured frame and returns
// the TCP segment inside.
func Unwrap(link LinkType, frame []byte) (Packet, error) {
	ip, err := linkPayload(link, frame)
	if err != nil {
		return Packet{}, err
	}
	if len(ip) == 0 {
		return Packet{}, fmt.Errorf("%w: empty IP packet", ErrMalformed)
	}
	switch ip[0] >> 4 {
	case 4:
		return unwrapIPv4(ip)
	case 6:
		return unwrapIPv6(ip)
	}
	return Packet{}, fmt.Errorf("%w: IP version %d", ErrNotTCP, ip[0]>>4)
}

// linkPayload returns the IP packet inside a link-layer frame.
func linkPayload(link LinkType, f []byte) ([]byte, error) {
	switch link {
	case LinkRaw:
		return f, nil
	case LinkNull, LinkLoop:
		return skip(f, 4)
	case LinkEthernet:
		return ethernetPayload(f)
	case LinkLinuxSLL:
		return skip(f, 16)
	case LinkLinuxSLL2:
		return skip(f, 20)
	}
	return nil, fmt.Errorf("%w: link type %d not supported", ErrNotTCP, link)
}

func ethernetPayload(f []byte) ([]byte, error) {
	if len(f) < 14 {
		return nil, fmt.Errorf("%w: ethernet header cut at %d bytes", ErrMalformed, len(f))
	}
	etherType, rest := binary.BigEndian.Uint16(f[12:]), f[14:]
	if etherType == etherTypeVLAN { // one 802.1Q tag: skip it
		if len(rest) < 4 {
			return nil, fmt.Errorf("%w: VLAN tag cut short", ErrMalformed)
		}
		etherType, rest = binary.BigEndian.Uint16(rest[2:]), rest[4:]
	}
	if etherType != etherTypeIPv4 && etherType != etherTypeIPv6 {
		return nil, fmt.Errorf("%w: ethertype %#04x", ErrNotTCP, etherType)
	}
	return rest, nil
}

func skip(f []byte, n int) ([]byte, error) {
	if len(f) < n {
		return nil, fmt.Errorf("%w: link header cut at %d of %d bytes", ErrMalformed, len(f), n)
	}
	return f[n:], nil
}

func unwrapIPv4(ip []byte) (Packet, error) {
	if len(ip) < 20 {
		return Packet{}, fmt.Errorf("%w: IPv4 header cut at %d bytes", ErrMalformed, len(ip))
	}
	ihl, total := int(ip[0]&0x0f)*4, int(binary.BigEndian.Uint16(ip[2:]))
	if ihl < 20 || total < ihl || total > len(ip) {
		return Packet{}, fmt.Errorf("%w: IPv4 header length %d, total length %d, captured %d", ErrMalformed, ihl, total, len(ip))
	}
	if ip[9] != protoTCP {
		return Packet{}, fmt.Errorf("%w: IP protocol %d", ErrNotTCP, ip[9])
	}
	if frag := binary.BigEndian.Uint16(ip[6:]); frag&0x3fff != 0 { // MF flag or an offset
		return Packet{}, fmt.Errorf("%w: IPv4 fragment", ErrNotTCP)
	}
	return Packet{
		Src: netip.AddrFrom4([4]byte(ip[12:16])),
		Dst: netip.AddrFrom4([4]byte(ip[16:20])),
		TCP: ip[ihl:total], // total, not len: Ethernet pads short frames
	}, nil
}

func unwrapIPv6(ip []byte) (Packet, error) {
	const hdr = 40
	if len(ip) < hdr {
		return Packet{}, fmt.Errorf("%w: IPv6 header cut at %d bytes", ErrMalformed, len(ip))
	}
	payload := int(binary.BigEndian.Uint16(ip[4:]))
	if hdr+payload > len(ip) {
		return Packet{}, fmt.Errorf("%w: IPv6 payload length %d, captured %d", ErrMalformed, payload, len(ip)-hdr)
	}
	if ip[6] != protoTCP {
		return Packet{}, fmt.Errorf("%w: IPv6 next header %d", ErrNotTCP, ip[6])
	}
	return Packet{
		Src: netip.AddrFrom16([16]byte(ip[8:24])),
		Dst: netip.AddrFrom16([16]byte(ip[24:40])),
		TCP: ip[hdr : hdr+payload],
	}, nil
}
