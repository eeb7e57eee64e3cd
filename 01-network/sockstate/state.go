package sockstate

import "strconv"

// State is a TCP state as the Linux kernel numbers it (include/net/tcp_states.h).
// The zero State is not a valid state.
type State uint8

// The TCP states of RFC 9293 section 3.3.2, in the kernel's numbering.
const (
	Established State = 0x01
	SynSent     State = 0x02
	SynRecv     State = 0x03
	FinWait1    State = 0x04
	FinWait2    State = 0x05
	TimeWait    State = 0x06
	Close       State = 0x07
	CloseWait   State = 0x08
	LastAck     State = 0x09
	Listen      State = 0x0A
	Closing     State = 0x0B
	NewSynRecv  State = 0x0C
)

var stateNames = [...]string{
	Established: "ESTABLISHED",
	SynSent:     "SYN_SENT",
	SynRecv:     "SYN_RECV",
	FinWait1:    "FIN_WAIT1",
	FinWait2:    "FIN_WAIT2",
	TimeWait:    "TIME_WAIT",
	Close:       "CLOSE",
	CloseWait:   "CLOSE_WAIT",
	LastAck:     "LAST_ACK",
	Listen:      "LISTEN",
	Closing:     "CLOSING",
	NewSynRecv:  "NEW_SYN_RECV",
}

// String returns the name netstat prints for s, or "STATE(0xNN)" for a
// number this package does not know.
func (s State) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return "STATE(0x" + strconv.FormatUint(uint64(s), 16) + ")"
}

// Known reports whether s is one of the states the kernel defines.
func (s State) Known() bool {
	return int(s) < len(stateNames) && stateNames[s] != ""
}
