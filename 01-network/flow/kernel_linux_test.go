package flow_test

import (
	"context"
	"net"
	"testing"
	"time"

	"gatewaylab/01-network/flow"
	"gatewaylab/01-network/sockstate"
)

// TestStalledBytesSitInKernelQueues checks where the accepted bytes are
// during a zero-window stall: each one is either unacknowledged in the
// sender's queue or unread in the receiver's queue, and the sender's kernel
// is probing the closed window.
func TestStalledBytesSitInKernelQueues(t *testing.T) {
	client, server := newPair(t)
	accepted, err := flow.NewSender(client, seed).FillUntilStall(t.Context(), stall)
	if err != nil {
		t.Fatalf("FillUntilStall: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	ticker := time.NewTicker(2 * time.Millisecond) // kernel state has no notification: poll
	defer ticker.Stop()
	var snd, rcv sockstate.Entry
	for {
		snd, rcv = lookup(t, client), lookup(t, server)
		if int64(snd.TxQueue)+int64(rcv.RxQueue) == accepted && snd.Timer == sockstate.ZeroWindowProbe {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("accepted %d; sender tx_queue %d + receiver rx_queue %d, sender timer %s; want the sum and %s",
				accepted, snd.TxQueue, rcv.RxQueue, snd.Timer, sockstate.ZeroWindowProbe)
		case <-ticker.C:
		}
	}
}

func lookup(t testing.TB, c net.Conn) sockstate.Entry {
	t.Helper()
	e, err := sockstate.Lookup(c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort())
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	return e
}
