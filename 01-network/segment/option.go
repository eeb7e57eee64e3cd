package segment

import (
	"encoding/binary"
	"fmt"
)

// OptionKind is the first byte of a TCP option.
type OptionKind uint8

// The option kinds this package names (IANA "TCP Option Kind Numbers").
const (
	OptEOL           OptionKind = 0 // end of option list; the rest is padding
	OptNOP           OptionKind = 1 // no-operation, used to align later options
	OptMSS           OptionKind = 2 // maximum segment size the sender can receive
	OptWindowScale   OptionKind = 3 // shift count applied to the window field
	OptSACKPermitted OptionKind = 4 // selective acknowledgments may be used
	OptSACK          OptionKind = 5 // selective acknowledgment blocks
	OptTimestamps    OptionKind = 8 // timestamp value and echo reply
)

// wantLen is the total length (kind and length bytes included) of the
// options whose length is fixed; 0 means variable or unknown.
func (k OptionKind) wantLen() int {
	switch k {
	case OptMSS:
		return 4
	case OptWindowScale:
		return 3
	case OptSACKPermitted:
		return 2
	case OptTimestamps:
		return 10
	}
	return 0
}

// Option is one TCP option. Data is what follows the kind and length bytes
// (empty for EOL and NOP, which have neither).
type Option struct {
	Kind OptionKind
	Data []byte
}

// Len is the option's length on the wire.
func (o Option) Len() int {
	if o.Kind == OptEOL || o.Kind == OptNOP {
		return 1
	}
	return 2 + len(o.Data)
}

// String formats the option the way tcpdump does, e.g. "mss 65495".
func (o Option) String() string {
	switch {
	case o.Kind == OptEOL:
		return "eol"
	case o.Kind == OptNOP:
		return "nop"
	case o.Kind == OptMSS && len(o.Data) == 2:
		return fmt.Sprintf("mss %d", binary.BigEndian.Uint16(o.Data))
	case o.Kind == OptWindowScale && len(o.Data) == 1:
		return fmt.Sprintf("wscale %d", o.Data[0])
	case o.Kind == OptSACKPermitted:
		return "sackOK"
	case o.Kind == OptTimestamps && len(o.Data) == 8:
		return fmt.Sprintf("TS val %d ecr %d", binary.BigEndian.Uint32(o.Data), binary.BigEndian.Uint32(o.Data[4:]))
	case o.Kind == OptSACK:
		return fmt.Sprintf("sack %d blocks", len(o.Data)/8)
	}
	return fmt.Sprintf("opt-%d len %d", o.Kind, o.Len())
}

// find returns the first option of kind k.
func (h *Header) find(k OptionKind) (Option, bool) {
	for _, o := range h.Options {
		if o.Kind == k {
			return o, true
		}
	}
	return Option{}, false
}

// MSS returns the maximum segment size option (SYN segments only).
func (h *Header) MSS() (uint16, bool) {
	o, ok := h.find(OptMSS)
	if !ok || len(o.Data) != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(o.Data), true
}

// WindowScale returns the window scale shift count (SYN segments only):
// the peer's later window fields are to be multiplied by 1<<shift.
func (h *Header) WindowScale() (shift uint8, ok bool) {
	o, ok := h.find(OptWindowScale)
	if !ok || len(o.Data) != 1 {
		return 0, false
	}
	return o.Data[0], true
}

// SACKPermitted reports whether the SACK-permitted option is present.
func (h *Header) SACKPermitted() bool {
	_, ok := h.find(OptSACKPermitted)
	return ok
}

// Timestamps returns the timestamp value and echo reply.
func (h *Header) Timestamps() (val, ecr uint32, ok bool) {
	o, ok := h.find(OptTimestamps)
	if !ok || len(o.Data) != 8 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint32(o.Data), binary.BigEndian.Uint32(o.Data[4:]), true
}
