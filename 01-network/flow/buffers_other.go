//go:build !unix

package flow

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
)

// BufferSizes returns an error wrapping [errors.ErrUnsupported]: this
// lesson reads SO_SNDBUF/SO_RCVBUF with the Unix getsockopt call.
func BufferSizes(conn syscall.Conn) (Buffers, error) {
	return Buffers{}, fmt.Errorf("buffer sizes on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

// SetBuffers returns a control hook that fails with [errors.ErrUnsupported]
// when asked to set a size: this lesson sets buffers with the Unix
// setsockopt call.
func SetBuffers(send, receive int) func(network, address string, c syscall.RawConn) error {
	return func(string, string, syscall.RawConn) error {
		if send == 0 && receive == 0 {
			return nil
		}
		return fmt.Errorf("set socket buffers on %s: %w", runtime.GOOS, errors.ErrUnsupported)
	}
}
