package sockstate

import (
	"net/netip"
	"strconv"
	"time"
)

// Timer is the kernel timer pending on a socket (the "tr" column).
type Timer uint8

// The timers /proc/net/tcp reports (net/ipv4/tcp_ipv4.c, get_tcp4_sock).
const (
	NoTimer         Timer = 0 // nothing pending
	RetransmitTimer Timer = 1 // retransmission, loss probe or reordering timer
	KeepaliveTimer  Timer = 2 // keepalive (or SYN-ACK) timer
	TimeWaitTimer   Timer = 3 // the 2MSL timer of a TIME_WAIT socket
	ZeroWindowProbe Timer = 4 // persist timer: the peer advertised a zero window
)

var timerNames = [...]string{
	NoTimer:         "none",
	RetransmitTimer: "retransmit",
	KeepaliveTimer:  "keepalive",
	TimeWaitTimer:   "time-wait",
	ZeroWindowProbe: "zero-window-probe",
}

// String names the timer.
func (t Timer) String() string {
	if int(t) < len(timerNames) {
		return timerNames[t]
	}
	return "timer(" + strconv.Itoa(int(t)) + ")"
}

// Entry is one row of the kernel's TCP socket table.
type Entry struct {
	Local  netip.AddrPort
	Remote netip.AddrPort // 0.0.0.0:0 or [::]:0 for a listening socket
	State  State

	// TxQueue is the bytes written by the application and not yet
	// acknowledged by the peer (0 for a LISTEN socket).
	TxQueue uint32
	// RxQueue is the bytes received and not yet read by the application
	// (for a LISTEN socket: connections waiting in the accept queue).
	RxQueue uint32

	Timer Timer
	// TimerExpires is how long until Timer fires. The kernel reports it in
	// clock ticks (USER_HZ, 100 a second on every Linux architecture), so
	// its resolution is 10ms.
	TimerExpires time.Duration
	// Retransmits counts unanswered retransmissions or probes.
	Retransmits uint32

	UID uint32
	// Inode identifies the socket file. It is 0 once no process holds the
	// socket: TIME_WAIT sockets, orphans after close, connections still
	// waiting in an accept queue.
	Inode uint64
}
