package tcpserver

import (
	"errors"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestIsTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"out of file descriptors", &net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.EMFILE)}, true},
		{"system file table full", &net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.ENFILE)}, true},
		{"no buffer space", &net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.ENOBUFS)}, true},
		{"invalid argument", &net.OpError{Op: "accept", Err: os.NewSyscallError("accept4", syscall.EINVAL)}, false},
		{"timeout", os.ErrDeadlineExceeded, true},
		{"closed listener", &net.OpError{Op: "accept", Err: net.ErrClosed}, false},
		{"anything else", errors.New("broken"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTemporary(tt.err); got != tt.want {
				t.Errorf("isTemporary(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestNextAcceptDelay(t *testing.T) {
	var got []time.Duration
	var d time.Duration
	for range 10 {
		d = nextAcceptDelay(d)
		got = append(got, d)
	}
	want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("delays = %v; want %v ms", got, want)
		}
	}
}
