package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"gatewaylab/01-network/closewait"
	"gatewaylab/01-network/sockstate"
)

// compare starts one server, lets clients hang up and reports the sockets
// left on both sides.
func compare(ctx context.Context, forget bool, clients int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hangups := make(chan net.Addr, clients)
	srv := &closewait.Server{ForgetClose: forget, OnHangup: func(a net.Addr) { hangups <- a }}
	srvCtx, stopServer := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(srvCtx, ln) }()
	shutdown := sync.OnceValue(func() error { stopServer(); return <-served })
	defer shutdown()

	server := addrPort(ln.Addr())
	title, clientState := "fixed server: Close when the client hangs up", sockstate.TimeWait
	if forget {
		title, clientState = "leaky server: ForgetClose=true", sockstate.FinWait2
	}
	fmt.Printf("\n== %s (port %d)\n", title, server.Port())
	for range clients {
		client, err := hangUp(ctx, ln.Addr().String(), hangups)
		if err != nil {
			return err
		}
		// Let the last segments of the teardown land before counting.
		if _, err := sockstate.Wait(ctx, client, server, clientState); err != nil {
			return err
		}
	}
	if err := report(server.Port(), srv.Open()); err != nil {
		return err
	}
	explain(forget)
	if err := shutdown(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return afterShutdown(server.Port(), forget)
}

func explain(forget bool) {
	if forget {
		fmt.Println("   Each client's FIN was ACKed by the server's kernel, but the application never called")
		fmt.Println("   Close, so no FIN went back. The server's sockets wait in CLOSE_WAIT, each holding a file")
		fmt.Println("   descriptor, with no timeout at all. The clients wait in FIN_WAIT2 (orphaned ones for")
		fmt.Println("   net.ipv4.tcp_fin_timeout, 60s by default), then vanish; the server's side never does.")
		return
	}
	fmt.Println("   The server closed: FIN, ACK, FIN, ACK completed. The clients closed first, so they hold")
	fmt.Println("   TIME_WAIT for 60s; the server keeps nothing.")
}

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }

// hangUp connects, reads its hello echoed, closes, and waits until the
// server is done with the connection. It returns the client's address.
func hangUp(ctx context.Context, addr string, hangups <-chan net.Addr) (netip.AddrPort, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("dial %s: %w", addr, err)
	}
	local := addrPort(c.LocalAddr())
	if err := echo(c); err != nil {
		c.Close()
		return netip.AddrPort{}, err
	}
	if err := c.Close(); err != nil {
		return netip.AddrPort{}, fmt.Errorf("close: %w", err)
	}
	select {
	case <-hangups:
		return local, nil
	case <-ctx.Done():
		return netip.AddrPort{}, fmt.Errorf("waiting for the server to see the hangup: %w", ctx.Err())
	}
}

// echo sends a line and reads it back. Reading before closing matters: a
// socket closed with unread data answers the server's echo with RST
// instead of a clean FIN.
func echo(c net.Conn) error {
	const hello = "hello\n"
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if _, err := c.Write([]byte(hello)); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if _, err := io.ReadFull(c, make([]byte, len(hello))); err != nil {
		return fmt.Errorf("read echo: %w", err)
	}
	return nil
}

// report prints the state counts on the server's side (local port) and the
// clients' side (remote port).
func report(port uint16, open int) error {
	entries, err := sockstate.Snapshot()
	if err != nil {
		return err
	}
	server, client := byState(entries, port)
	fmt.Printf("   server side: %-34s descriptors still open: %d\n", server, open)
	fmt.Printf("   client side: %s\n", client)
	return nil
}

func afterShutdown(port uint16, forget bool) error {
	entries, err := sockstate.Snapshot()
	if err != nil {
		return err
	}
	fmt.Printf("   server stopped: %d CLOSE_WAIT left on :%d\n", sockstate.Count(entries, port, sockstate.CloseWait), port)
	if forget {
		fmt.Println("   (Serve closes what it holds when it stops; a leaking server that keeps running")
		fmt.Println("   piles them up until it hits its descriptor limit, ulimit -n: \"too many open files\")")
	}
	return nil
}

// byState tallies the connection states on both ends of port, skipping the
// listener.
func byState(entries []sockstate.Entry, port uint16) (server, client tally) {
	for _, e := range entries {
		switch {
		case e.State == sockstate.Listen:
		case e.Local.Port() == port && isLoopback(e.Local):
			server.add(e.State)
		case e.Remote.Port() == port && isLoopback(e.Remote):
			client.add(e.State)
		}
	}
	return server, client
}

func isLoopback(ap netip.AddrPort) bool { return ap.Addr().Unmap().IsLoopback() }

// tally counts sockets per state, in the order states were first seen.
type tally struct {
	order  []sockstate.State
	counts map[sockstate.State]int
}

func (t *tally) add(s sockstate.State) {
	if t.counts == nil {
		t.counts = make(map[sockstate.State]int)
	}
	if t.counts[s] == 0 {
		t.order = append(t.order, s)
	}
	t.counts[s]++
}

func (t tally) String() string {
	if len(t.order) == 0 {
		return "no sockets"
	}
	s := ""
	for i, st := range t.order {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", t.counts[st], st)
	}
	return s
}
