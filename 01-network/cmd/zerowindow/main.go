// Zerowindow shows TCP flow control (流量控制): a receiver stops reading,
// its advertised window (滑动窗口) shrinks to zero, and the sender's writes
// stall once both kernel buffers are full. Then the receiver reads again and
// every byte arrives intact (SHA-256 on both ends).
//
// Usage:
//
//	go run ./01-network/cmd/zerowindow [-sndbuf 65536] [-rcvbuf 65536] [-stall 200ms]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/01-network/flow"
)

// options are the demo's flags.
type options struct {
	sndbuf, rcvbuf int
	stall          time.Duration
	more           int64
}

func main() {
	var o options
	flag.IntVar(&o.sndbuf, "sndbuf", 0, "SO_SNDBUF to ask for on the sender (0: kernel default, autotuned)")
	flag.IntVar(&o.rcvbuf, "rcvbuf", 0, "SO_RCVBUF to ask for on the receiver (0: kernel default, autotuned)")
	flag.DurationVar(&o.stall, "stall", 200*time.Millisecond, "a write making no progress this long counts as stalled")
	flag.Int64Var(&o.more, "more", 8<<20, "bytes to send after the receiver resumes")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "zerowindow:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	sender, receiver, err := connect(ctx, o)
	if err != nil {
		return err
	}
	defer sender.Close()
	defer receiver.Close()
	fmt.Printf("connection %v -> %v on loopback\n", sender.LocalAddr(), sender.RemoteAddr())
	fmt.Println("\n1. The receiver stops reading; the sender writes until a Write makes no progress for", o.stall)
	s := flow.NewSender(sender, [32]byte{'z', 'w'})
	accepted, err := s.FillUntilStall(ctx, o.stall)
	if err != nil {
		return err
	}
	fmt.Printf("   writes stalled after the kernels accepted %d bytes (%d KiB)\n", accepted, accepted>>10)
	if err := printBuffers(sender, receiver); err != nil {
		return err
	}
	if err := printQueues(ctx, sender, receiver, accepted); err != nil {
		return err
	}
	return resume(ctx, s, sender, receiver, o.more)
}

// connect makes the loopback connection, applying the buffer sizes before
// the handshake so the window scale agreed in the SYNs fits them.
func connect(ctx context.Context, o options) (sender, receiver *net.TCPConn, err error) {
	lc := net.ListenConfig{Control: flow.SetBuffers(0, o.rcvbuf)}
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	d := net.Dialer{Control: flow.SetBuffers(o.sndbuf, 0)}
	c, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, fmt.Errorf("dial: %w", err)
	}
	s, err := ln.Accept()
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("accept: %w", err)
	}
	return c.(*net.TCPConn), s.(*net.TCPConn), nil
}

func printBuffers(sender, receiver *net.TCPConn) error {
	sb, err := flow.BufferSizes(sender)
	if errors.Is(err, errors.ErrUnsupported) {
		fmt.Println("(socket buffer sizes are not readable on this system)")
		return nil
	}
	if err != nil {
		return err
	}
	rb, err := flow.BufferSizes(receiver)
	if err != nil {
		return err
	}
	fmt.Printf("   buffers now: sender SO_SNDBUF=%d, receiver SO_RCVBUF=%d (getsockopt)\n", sb.Send, rb.Receive)
	fmt.Println("   Linux reports twice what was set (half is bookkeeping) and, unless a size was set,")
	fmt.Println("   grows the buffers by itself within net.ipv4.tcp_wmem / tcp_rmem.")
	return nil
}
