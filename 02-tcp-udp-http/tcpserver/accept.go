package tcpserver

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// Accept backoff bounds. net/http uses the same numbers: short enough that a
// brief EMFILE spike costs little latency, long enough that a persistent one
// does not burn a core (the course's loop spun at 100% CPU).
const (
	minAcceptDelay = 5 * time.Millisecond
	maxAcceptDelay = time.Second
)

// nextAcceptDelay doubles the previous delay, starting at minAcceptDelay and
// capped at maxAcceptDelay.
func nextAcceptDelay(prev time.Duration) time.Duration {
	if prev == 0 {
		return minAcceptDelay
	}
	return min(2*prev, maxAcceptDelay)
}

// isTemporary reports whether an Accept error may go away by itself: out of
// file descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM), an
// interrupted call, a timeout. A closed listener is permanent. (ECONNABORTED,
// a client that left before accept, never gets here: Go's poller retries it.)
func isTemporary(err error) bool {
	if errors.Is(err, net.ErrClosed) {
		return false
	}
	if errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) {
		return true
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return true
	}
	// Temporary is deprecated for new error types, but syscall.Errno still
	// implements it: true for EINTR, EMFILE and ENFILE.
	var temporary interface{ Temporary() bool }
	return errors.As(err, &temporary) && temporary.Temporary()
}
