package leanproxy

import (
	"errors"
	"net"
	"syscall"
)

// alive reports whether an idle connection can still carry a request: a non-blocking
// peek finds nothing to read. EOF means the upstream closed it while it sat in the
// pool; bytes mean the upstream sent something nobody asked for. Either way it must
// not be used. One system call, paid only by requests that cannot be retried.
func alive(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		ok = n <= 0 && errors.Is(rerr, syscall.EAGAIN)
		return true // never wait: the answer is now
	})
	return err == nil && ok
}
