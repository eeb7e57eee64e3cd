// Package pcap reads the classic libpcap capture format, the .pcap files
// `tcpdump -w` writes, and peels each captured frame down to its TCP
// segment (Ethernet, Linux cooked, BSD loopback or raw IP; IPv4 or IPv6).
//
// It is deliberately small: enough to replay real captures in tests and
// demos without a dependency. It does not read pcapng (tcpdump's default is
// still the classic format; `tcpdump -r x.pcapng -w x.pcap` converts), nor
// reassemble IP fragments, nor follow IPv6 extension headers.
//
// See https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/ for the file
// format and https://www.tcpdump.org/linktypes.html for link types.
package pcap
