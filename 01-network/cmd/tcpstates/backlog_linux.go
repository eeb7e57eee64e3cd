package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// listenBacklogZero listens on 127.0.0.1 with an accept backlog of 0, which
// net.Listen cannot do (it always asks for net.core.somaxconn). Linux then
// queues one finished handshake and drops the SYNs that come after it until
// Accept frees the slot, which keeps a dialer visibly in SYN_SENT.
func listenBacklogZero() (net.Listener, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close() // FileListener dups the descriptor
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return nil, fmt.Errorf("bind 127.0.0.1:0: %w", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		return nil, fmt.Errorf("listen backlog 0: %w", err)
	}
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("file listener: %w", err)
	}
	return ln, nil
}
