package segment

import "strings"

// Flags are the control bits of a TCP header, with the four bits before
// them (three reserved bits and AE) in bits 8 to 11, so that a header
// re-encodes exactly.
type Flags uint16

// The control bits.
const (
	FIN Flags = 1 << iota // no more data from the sender; takes one sequence number
	SYN                   // synchronize sequence numbers; takes one sequence number
	RST                   // reset the connection
	PSH                   // push: deliver to the application now
	ACK                   // the acknowledgment number is valid
	URG                   // the urgent pointer is valid
	ECE                   // ECN echo (RFC 3168)
	CWR                   // congestion window reduced (RFC 3168)
	AE                    // accurate ECN (RFC 9768; formerly the NS bit)
)

var flagNames = []struct {
	flag Flags
	name string
}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}, {AE, "AE"}}

// Has reports whether all of want are set.
func (f Flags) Has(want Flags) bool { return f&want == want }

// String lists the set flags, e.g. "SYN|ACK", or "none".
func (f Flags) String() string {
	var names []string
	for _, fn := range flagNames {
		if f.Has(fn.flag) {
			names = append(names, fn.name)
		}
	}
	if reserved := f &^ (1<<9 - 1); reserved != 0 {
		names = append(names, "reserved")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}
