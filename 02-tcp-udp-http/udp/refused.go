package udp

import (
	"errors"
	"syscall"
)

// isRefused reports an ICMP port-unreachable surfaced by a connected socket.
func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}
