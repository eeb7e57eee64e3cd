package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"gatewaylab/01-network/flow"
	"gatewaylab/01-network/sockstate"
)

// printQueues shows where the accepted bytes are: unacknowledged in the
// sender's kernel or unread in the receiver's.
func printQueues(ctx context.Context, sender, receiver *net.TCPConn, accepted int64) error {
	if _, err := sockstate.Snapshot(); errors.Is(err, errors.ErrUnsupported) {
		return nil // no socket table to show on this system
	}
	sndAddr, rcvAddr := addrPort(sender.LocalAddr()), addrPort(receiver.LocalAddr())
	var snd, rcv sockstate.Entry
	// The last ACK may still be on its way: wait briefly for the queues to settle.
	settle, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := sockstate.WaitFunc(settle, func(entries []sockstate.Entry) (sockstate.Entry, bool) {
		s, okS := sockstate.Find(entries, sndAddr, rcvAddr)
		r, okR := sockstate.Find(entries, rcvAddr, sndAddr)
		snd, rcv = s, r
		return s, okS && okR && int64(s.TxQueue)+int64(r.RxQueue) == accepted
	})
	if err != nil && ctx.Err() != nil {
		return err
	}
	fmt.Printf("   /proc/net/tcp: sender   tx_queue=%-8d (sent or queued, not yet ACKed)\n", snd.TxQueue)
	fmt.Printf("                  receiver rx_queue=%-8d (ACKed, waiting for the application to read)\n", rcv.RxQueue)
	if sum := int64(snd.TxQueue) + int64(rcv.RxQueue); sum == accepted {
		fmt.Printf("                  tx_queue + rx_queue = %d = bytes accepted: nothing is lost,\n", sum)
		fmt.Println("                  it waits in the two kernels")
	} else {
		fmt.Printf("                  tx_queue + rx_queue = %d, accepted %d: the queues had not settled\n", sum, accepted)
	}
	fmt.Printf("   sender timer: %s in %v. The receiver advertises window 0, so the sender\n", snd.Timer, snd.TimerExpires)
	fmt.Println("   only sends a tiny probe now and then to learn when the window opens again.")
	return nil
}

// resume lets the receiver read again, sends more, and compares digests.
func resume(ctx context.Context, s *flow.Sender, sender, receiver *net.TCPConn, more int64) error {
	fmt.Println("\n2. The receiver reads again: the window reopens and the stalled writes go on")
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	received := make(chan result, 1)
	go func() {
		d, err := flow.Receive(rctx, receiver)
		received <- result{d, err}
	}()
	if err := s.Send(ctx, more); err != nil {
		cancel()
		<-received
		return err
	}
	if err := sender.CloseWrite(); err != nil {
		cancel()
		<-received
		return fmt.Errorf("close write: %w", err)
	}
	r := <-received
	if r.err != nil {
		return r.err
	}
	sent := s.Digest()
	fmt.Printf("   sent     %v\n   received %v\n", sent, r.digest)
	if r.digest != sent {
		return fmt.Errorf("stream corrupted: sent %v, received %v", sent, r.digest)
	}
	fmt.Println("   every byte arrived, in order: flow control slowed the sender, it never dropped data")
	fmt.Println("\nTry: go run ./01-network/cmd/zerowindow -sndbuf 16384 -rcvbuf 16384   (smaller buffers, earlier stall)")
	return nil
}

type result struct {
	digest flow.Digest
	err    error
}

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }
