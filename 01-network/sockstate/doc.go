// Package sockstate reads the kernel's TCP socket table and reports the
// state of given sockets, so the states of the TCP state machine (LISTEN,
// SYN_SENT, ESTABLISHED, FIN_WAIT1, CLOSE_WAIT, TIME_WAIT ...) can be watched
// on a real connection instead of only drawn on a whiteboard.
//
// On Linux the table is /proc/net/tcp (IPv4) and /proc/net/tcp6 (IPv6), the
// same files netstat and ss read. [Parse] is a pure parser over an io.Reader
// and works everywhere; [Snapshot], [Lookup] and [Wait] read the live table
// and return an error wrapping [errors.ErrUnsupported] on other systems,
// which keep their socket table behind sysctl or netlink interfaces this
// package does not speak.
package sockstate
