//go:build !linux

package sockstate

import (
	"errors"
	"fmt"
	"runtime"
)

// Snapshot returns an error wrapping [errors.ErrUnsupported]: only Linux
// exports its socket table as the text files this package reads. (The BSDs
// and macOS answer through sysctl, Windows through GetExtendedTcpTable.)
func Snapshot() ([]Entry, error) {
	return nil, fmt.Errorf("read the socket table on %s: only Linux has /proc/net/tcp: %w",
		runtime.GOOS, errors.ErrUnsupported)
}
