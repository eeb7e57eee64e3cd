// Package freeport picks loopback addresses for tests that start the gateway as another
// process, which cannot be handed open listeners: it must bind the port itself, a moment
// after the test chose it.
//
// The port is chosen at random BELOW the kernel's ephemeral range. A port from
// "127.0.0.1:0" comes from that range, where every outgoing connection of every test
// running at the same time also takes its local port: under load, one of them takes
// the chosen port before the gateway binds it ("address already in use"). Below the
// range only other explicit binds compete, and random choice makes that unlikely.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// lowest port considered: well above the well-known and registered service ports that
// a developer machine may run (databases, caches, dev servers usually sit lower).
const lowest = 20000

// Addrs returns n distinct "127.0.0.1:port" addresses that were free a moment ago.
func Addrs(n int) ([]string, error) {
	high := ephemeralLow() - 1
	if high <= lowest+n {
		return nil, fmt.Errorf("freeport: no room below the ephemeral range (starts at %d)", high+1)
	}
	addrs := make([]string, 0, n)
	var held []net.Listener
	defer func() {
		for _, ln := range held {
			ln.Close()
		}
	}()
	for tries := 0; len(addrs) < n; tries++ {
		if tries > 100*n {
			return nil, fmt.Errorf("freeport: found %d of %d free ports", len(addrs), n)
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(lowest+rand.IntN(high-lowest)))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue // taken: try another
		}
		held = append(held, ln) // held until all are chosen, so none is chosen twice
		addrs = append(addrs, addr)
	}
	return addrs, nil
}

// ephemeralLow is the first port of Linux's ephemeral range, or the IANA default
// elsewhere.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil {
				return v
			}
		}
	}
	return 49152
}
