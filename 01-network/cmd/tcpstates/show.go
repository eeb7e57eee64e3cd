package main

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"gatewaylab/01-network/sockstate"
)

// listenRemote is the remote address the kernel reports for a listener.
var listenRemote = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }

// heading prints a numbered step title.
func heading(n int, title string) {
	fmt.Printf("\n%d. %s\n", n, title)
}

// row prints one kernel table entry as the demo observed it.
func row(who string, e sockstate.Entry) {
	timer := e.Timer.String()
	if e.Timer != sockstate.NoTimer {
		timer += fmt.Sprintf(" in %v", e.TimerExpires)
	}
	fmt.Printf("   %-7s %-15s -> %-15s %-11s tx_queue=%-7d rx_queue=%-7d timer=%s inode=%d\n",
		who, e.Local, e.Remote, e.State, e.TxQueue, e.RxQueue, timer, e.Inode)
}

// gone prints that a socket has left the table.
func gone(who string, local, remote netip.AddrPort) {
	fmt.Printf("   %-7s %-15s -> %-15s (not in the table any more: CLOSED)\n", who, local, remote)
}

// explain prints a paragraph, indented under the step.
func explain(lines ...string) {
	fmt.Println("   " + strings.Join(lines, "\n   "))
}
