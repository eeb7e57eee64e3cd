//go:build !linux

package main

import (
	"errors"
	"fmt"
	"net"
	"runtime"
)

// listenBacklogZero is Linux-only: the walk needs /proc/net/tcp anyway.
func listenBacklogZero() (net.Listener, error) {
	return nil, fmt.Errorf("listen with backlog 0 on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
