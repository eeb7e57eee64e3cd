package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"gatewaylab/01-network/flow"
	"gatewaylab/01-network/sockstate"
)

// The teardown steps: the client closes first (the active closer), the
// server second. Each transient state is held open by queuing the FIN
// behind data the peer is not reading yet.

func (w *walk) finWait1(ctx context.Context) error {
	n, err := flow.NewSender(w.client, [32]byte{1}).FillUntilStall(ctx, stall)
	if err != nil {
		return fmt.Errorf("client fills the window: %w", err)
	}
	w.clientSent = n
	if err := w.client.CloseWrite(); err != nil {
		return fmt.Errorf("client shutdown(SHUT_WR): %w", err)
	}
	ce, se, err := w.both(ctx, sockstate.FinWait1, sockstate.Established)
	if err != nil {
		return err
	}
	heading(5, "FIN_WAIT1: the client closes first (the active closer), its FIN not yet acknowledged")
	row("client", ce)
	row("server", se)
	explain(fmt.Sprintf("The client wrote %d bytes the server is not reading (its window is zero, hence", n),
		"the zero-window-probe timer): tx_queue + rx_queue above is that count plus 1, for the FIN",
		"also takes a sequence number. Then it shut down its sending side: shutdown(2) moves the",
		"socket to FIN_WAIT1 at once, but the FIN is queued behind data the server has no room for,",
		"so the server has not seen it and is still ESTABLISHED. On an idle loopback connection the",
		"FIN is ACKed within microseconds and FIN_WAIT1 is gone before anyone can look.")
	return nil
}

func (w *walk) closeWait(ctx context.Context) error {
	n, err := drain(w.server)
	if err != nil {
		return fmt.Errorf("server reads to EOF: %w", err)
	}
	ce, se, err := w.both(ctx, sockstate.FinWait2, sockstate.CloseWait)
	if err != nil {
		return err
	}
	heading(6, "FIN_WAIT2 and CLOSE_WAIT: one direction is closed")
	row("client", ce)
	row("server", se)
	explain(fmt.Sprintf("The server read all %d bytes, then EOF: the FIN arrived and its kernel ACKed it.", n),
		"The client is in FIN_WAIT2: its direction is closed, it waits for the server's FIN.",
		"The server is in CLOSE_WAIT: its kernel has done its part, and only the application's",
		"Close sends the second FIN. A server that never closes keeps sockets here for good:",
		"go run ./01-network/cmd/closewait")
	return nil
}

func (w *walk) lastAck(ctx context.Context) error {
	n, err := flow.NewSender(w.server, [32]byte{2}).FillUntilStall(ctx, stall)
	if err != nil {
		return fmt.Errorf("server fills the window: %w", err)
	}
	w.serverSent = n
	if err := w.server.Close(); err != nil {
		return fmt.Errorf("server close: %w", err)
	}
	ce, se, err := w.both(ctx, sockstate.FinWait2, sockstate.LastAck)
	if err != nil {
		return err
	}
	heading(7, "LAST_ACK: the server closes, its FIN waits for the final ACK")
	row("server", se)
	row("client", ce)
	explain(fmt.Sprintf("The server still had something to say: it wrote %d bytes the client is not reading,", n),
		"then called Close. Its FIN is queued behind that data, so the socket sits in LAST_ACK",
		"(inode 0: no descriptor owns it now, the kernel finishes the job alone). The half-closed",
		"client can still receive. This is why closing takes four segments (四次挥手): each",
		"direction is closed on its own (FIN, ACK, FIN, ACK), and the side that gets the first",
		"FIN may have data to send before its own FIN, as this server did.")
	return nil
}

func (w *walk) timeWait(ctx context.Context) error {
	n, err := drain(w.client)
	if err != nil {
		return fmt.Errorf("client reads to EOF: %w", err)
	}
	if err := w.client.Close(); err != nil {
		return fmt.Errorf("client close: %w", err)
	}
	ce, err := w.clientEntry(ctx, sockstate.TimeWait)
	if err != nil {
		return err
	}
	if err := waitGone(ctx, w.serverAddr, w.clientAddr); err != nil {
		return err
	}
	heading(8, "TIME_WAIT: the active closer waits 2MSL")
	row("client", ce)
	gone("server", w.serverAddr, w.clientAddr)
	explain(fmt.Sprintf("The client read all %d bytes and EOF and ACKed the server's FIN; that last ACK", n),
		"took the server's socket to CLOSED. The client, which closed first, stays in TIME_WAIT",
		fmt.Sprintf("for another %v (the timer above): 2MSL, twice the maximum segment lifetime;", ce.TimerExpires),
		"Linux uses a fixed 60s. Two reasons: if the last ACK is lost, the server retransmits its",
		"FIN and the client must still be there to ACK it again (instead of answering RST); and",
		"stray segments of this connection must die out before the same addresses and ports",
		"can carry a new one. Only the active closer pays this; a gateway that closes its",
		"upstream connections itself collects TIME_WAIT sockets, which is why it pools them.")
	return nil
}

// drain reads c to EOF with a bound on how long the peer may stay silent.
func drain(c *net.TCPConn) (int64, error) {
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, c)
}

// waitGone waits until a socket has left the table.
func waitGone(ctx context.Context, local, remote netip.AddrPort) error {
	_, err := sockstate.WaitFunc(ctx, func(entries []sockstate.Entry) (sockstate.Entry, bool) {
		_, found := sockstate.Find(entries, local, remote)
		return sockstate.Entry{}, !found
	})
	if err != nil {
		return fmt.Errorf("wait for %s -> %s to close: %w", local, remote, err)
	}
	return nil
}

func (w *walk) tryNext() {
	port := w.serverAddr.Port()
	fmt.Printf("\nThe TIME_WAIT socket outlives this process. Look for it in the next minute:\n")
	fmt.Printf("   ss -tano 'dport = :%d'         # iproute2; shows the timer\n", port)
	fmt.Printf("   grep -i ':%04X ' /proc/net/tcp   # the raw row (state 06)\n", port)
	fmt.Println("Next: go run ./01-network/cmd/closewait   (what happens when the server never closes)")
}
