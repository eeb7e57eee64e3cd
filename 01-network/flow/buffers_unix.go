//go:build unix

package flow

import (
	"fmt"
	"syscall"
)

// BufferSizes returns the kernel send and receive buffer sizes of conn
// (SO_SNDBUF and SO_RCVBUF). Linux reports twice the size that was asked
// for with SetWriteBuffer/SetReadBuffer: it reserves the extra half for its
// own bookkeeping (socket(7)), and only part of the receive buffer is
// advertised as window.
func BufferSizes(conn syscall.Conn) (Buffers, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return Buffers{}, fmt.Errorf("buffer sizes: %w", err)
	}
	var b Buffers
	var sockErr error
	err = raw.Control(func(fd uintptr) {
		if b.Send, sockErr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF); sockErr != nil {
			return
		}
		b.Receive, sockErr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	})
	if err == nil {
		err = sockErr
	}
	if err != nil {
		return Buffers{}, fmt.Errorf("getsockopt SO_SNDBUF/SO_RCVBUF: %w", err)
	}
	return b, nil
}

// SetBuffers returns a socket control hook for net.Dialer.Control or
// net.ListenConfig.Control that asks for the given SO_SNDBUF and SO_RCVBUF
// before the socket connects or listens; zero leaves a size to the kernel.
// Setting them that early matters: the window scale is agreed in the SYNs,
// so a receive buffer set after the handshake may not be fully usable.
func SetBuffers(send, receive int) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var sockErr error
		err := c.Control(func(fd uintptr) {
			if send > 0 {
				sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, send)
			}
			if receive > 0 && sockErr == nil {
				sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, receive)
			}
		})
		if err == nil {
			err = sockErr
		}
		if err != nil {
			return fmt.Errorf("setsockopt SO_SNDBUF/SO_RCVBUF: %w", err)
		}
		return nil
	}
}
