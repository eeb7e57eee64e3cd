package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"gatewaylab/01-network/sockstate"
)

// stall is how long a Write may make no progress before the demo counts the
// peer's window as closed.
const stall = 100 * time.Millisecond

// synSentWait bounds the search for the second client's SYN_SENT socket.
const synSentWait = 3 * time.Second

// walk holds the sockets of the demo. The main connection is client-server;
// probe is a second client used to catch SYN_SENT.
type walk struct {
	ln             net.Listener
	client, server *net.TCPConn
	clientAddr     netip.AddrPort // the client's address, kept after its Close
	serverAddr     netip.AddrPort
	clientSent     int64
	serverSent     int64
}

func (w *walk) closeAll() {
	for _, c := range []io.Closer{w.ln, w.client, w.server} {
		if c != nil {
			c.Close() // end of demo: nothing to do with a close error
		}
	}
}

// clientEntry and serverEntry wait until the main connection's client or
// server socket reaches want.
func (w *walk) clientEntry(ctx context.Context, want sockstate.State) (sockstate.Entry, error) {
	return sockstate.Wait(ctx, w.clientAddr, w.serverAddr, want)
}

func (w *walk) serverEntry(ctx context.Context, want sockstate.State) (sockstate.Entry, error) {
	return sockstate.Wait(ctx, w.serverAddr, w.clientAddr, want)
}

// both waits until the client and the server socket reach their states.
func (w *walk) both(ctx context.Context, client, server sockstate.State) (ce, se sockstate.Entry, err error) {
	if ce, err = w.clientEntry(ctx, client); err != nil {
		return ce, se, err
	}
	se, err = w.serverEntry(ctx, server)
	return ce, se, err
}

func (w *walk) listen(ctx context.Context) error {
	ln, err := listenBacklogZero()
	if err != nil {
		return err
	}
	w.ln = ln
	w.serverAddr = addrPort(ln.Addr())
	e, err := sockstate.Wait(ctx, w.serverAddr, listenRemote, sockstate.Listen)
	if err != nil {
		return err
	}
	heading(1, "LISTEN: the server is ready for handshakes")
	row("server", e)
	explain("listen(2) turns the socket passive: the kernel now answers SYNs sent to this port.",
		"Its accept backlog is 0 on purpose: one finished handshake fills the queue (step 3).")
	return nil
}

// dialPlain dials the listener and returns the client's TCP connection.
func (w *walk) dialPlain(ctx context.Context) (*net.TCPConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp4", w.ln.Addr().String())
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", w.ln.Addr(), err)
	}
	return c.(*net.TCPConn), nil
}

func (w *walk) synSent(ctx context.Context) error {
	c, err := w.dialPlain(ctx)
	if err != nil {
		return err
	}
	w.client, w.clientAddr = c, addrPort(c.LocalAddr())
	ce, se, err := w.both(ctx, sockstate.Established, sockstate.Established)
	if err != nil {
		return err
	}
	le, err := sockstate.Wait(ctx, w.serverAddr, listenRemote, sockstate.Listen)
	if err != nil {
		return err
	}
	heading(2, "ESTABLISHED before Accept: the three-way handshake (三次握手) is the kernel's job")
	row("client", ce)
	row("server", se)
	row("server", le)
	explain("The client's connect(2) returned: SYN ->, <- SYN+ACK, ACK -> all happened between the",
		"two kernels. Nobody has called Accept: the server's end exists (inode 0, no descriptor yet)",
		"and waits in the accept queue (rx_queue=1 on the listener). Three segments, because each",
		"side chooses an initial sequence number and must see the other acknowledge it; the middle",
		"segment carries the server's SYN and its ACK of the client's SYN together.")
	return w.probeSynSent(ctx)
}

// probeSynSent dials a second client while the accept queue is full, shows
// it stuck in SYN_SENT, then lets it through by accepting the first client.
func (w *walk) probeSynSent(ctx context.Context) error {
	probeCtx, cancelProbe := context.WithCancel(ctx)
	defer cancelProbe()
	dialed := make(chan dialResult, 1)
	go func() {
		c, err := w.dialPlain(probeCtx)
		dialed <- dialResult{c, err}
	}()
	defer func() { // own the dialing goroutine: it ends with probeCtx
		cancelProbe()
		if r := <-dialed; r.conn != nil {
			r.conn.Close()
		}
	}()
	// The dropped SYN shows within microseconds; if none appears the queue had room.
	synCtx, cancelSyn := context.WithTimeout(ctx, synSentWait)
	defer cancelSyn()
	pe, err := sockstate.WaitFunc(synCtx, func(entries []sockstate.Entry) (sockstate.Entry, bool) {
		for _, e := range entries {
			if e.Remote == w.serverAddr && e.State == sockstate.SynSent {
				return e, true
			}
		}
		return sockstate.Entry{}, false
	})
	if err != nil {
		return fmt.Errorf("no SYN_SENT socket within %v (was the accept queue not full?): %w", synSentWait, err)
	}
	sawSynSent := time.Now()
	heading(3, "SYN_SENT: a second client's SYN goes unanswered")
	row("client2", pe)
	explain("The accept queue is full (backlog 0 admits one connection), so the server's kernel drops",
		"this SYN without a reply. The client's kernel keeps the socket in SYN_SENT with the SYN",
		"unacknowledged (tx_queue=1: a SYN occupies one sequence number) and its retransmit timer",
		"running. On loopback SYN_SENT usually lasts microseconds; the full queue makes it visible.")
	return w.accept(ctx, pe, sawSynSent)
}

type dialResult struct {
	conn *net.TCPConn
	err  error
}

func (w *walk) accept(ctx context.Context, probe sockstate.Entry, sawSynSent time.Time) error {
	s, err := w.ln.Accept()
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	w.server = s.(*net.TCPConn)
	se, err := w.serverEntry(ctx, sockstate.Established)
	if err != nil {
		return err
	}
	pe, err := sockstate.Wait(ctx, probe.Local, probe.Remote, sockstate.Established)
	if err != nil {
		return err
	}
	probeConn, err := w.ln.Accept()
	if err != nil {
		return fmt.Errorf("accept client2: %w", err)
	}
	probeConn.Close() // client2 has made its point
	heading(4, "ESTABLISHED: Accept takes the connection; the dropped SYN is retransmitted")
	row("server", se)
	row("client2", pe)
	explain("Accept moved the first connection out of the queue; the accepted socket now has an inode",
		"(a file descriptor owns it). That freed the slot, and client2's kernel retransmitted its SYN",
		fmt.Sprintf("when the timer fired: ESTABLISHED %v after we saw SYN_SENT (the initial", time.Since(sawSynSent).Round(10*time.Millisecond)),
		"retransmission timeout is 1s, RFC 6298; further retries back off: 3s, 7s, ...).")
	return nil
}
