package sockstate_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"gatewaylab/01-network/internal/looptest"
	"gatewaylab/01-network/sockstate"
)

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.TCPAddr).AddrPort() }

func waitState(t testing.TB, local, remote net.Addr, want sockstate.State) sockstate.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	e, err := sockstate.Wait(ctx, addrPort(local), addrPort(remote), want)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLookupListener(t *testing.T) {
	for _, tt := range []struct{ name, network, addr string }{
		{"ipv4", "tcp4", "127.0.0.1:0"},
		{"ipv6", "tcp6", "[::1]:0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := looptest.Dial(t, tt.network, tt.addr)
			unspecified := netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
			if tt.network == "tcp6" {
				unspecified = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
			}
			e, err := sockstate.Lookup(addrPort(p.Listener.Addr()), unspecified)
			if err != nil {
				t.Fatalf("Lookup listener: %v", err)
			}
			if e.State != sockstate.Listen || e.Inode == 0 {
				t.Errorf("listener entry = %+v; want LISTEN with an inode", e)
			}
		})
	}
}

func TestLookupDualStackMapsIPv4(t *testing.T) {
	ln, err := net.Listen("tcp", ":0") // dual-stack: IPv4 peers appear as ::ffff:a.b.c.d
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	client, err := net.Dial("tcp4", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port).String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	// The server side of the connection is found by its plain IPv4 form.
	waitState(t, client.RemoteAddr(), client.LocalAddr(), sockstate.Established)
}

func TestWaitFollowsTeardown(t *testing.T) {
	p := looptest.Dial(t, "tcp4", "127.0.0.1:0")
	waitState(t, p.Client.LocalAddr(), p.Client.RemoteAddr(), sockstate.Established)
	waitState(t, p.Server.LocalAddr(), p.Server.RemoteAddr(), sockstate.Established)

	if err := p.Client.CloseWrite(); err != nil {
		t.Fatalf("client CloseWrite: %v", err)
	}
	if _, err := io.Copy(io.Discard, p.Server); err != nil {
		t.Fatalf("server read to EOF: %v", err)
	}
	// The server has read the FIN: it is in CLOSE_WAIT until it closes.
	waitState(t, p.Server.LocalAddr(), p.Server.RemoteAddr(), sockstate.CloseWait)
	waitState(t, p.Client.LocalAddr(), p.Client.RemoteAddr(), sockstate.FinWait2)

	if err := p.Server.Close(); err != nil {
		t.Fatalf("server Close: %v", err)
	}
	tw := waitState(t, p.Client.LocalAddr(), p.Client.RemoteAddr(), sockstate.TimeWait)
	if tw.Timer != sockstate.TimeWaitTimer || tw.TimerExpires <= 0 || tw.Inode != 0 {
		t.Errorf("TIME_WAIT entry = %+v; want the time-wait timer running and no inode", tw)
	}
}

func TestWaitReportsLastStateOnTimeout(t *testing.T) {
	p := looptest.Dial(t, "tcp4", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := sockstate.Wait(ctx, addrPort(p.Client.LocalAddr()), addrPort(p.Client.RemoteAddr()), sockstate.TimeWait)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after cancel = %v; want context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "last seen: ESTABLISHED") {
		t.Errorf("Wait error = %q; want it to name the last state seen", err)
	}
}

func TestLookupNotFound(t *testing.T) {
	// Port 0 never appears as a connection's local port.
	none := netip.MustParseAddrPort("127.0.0.1:0")
	_, err := sockstate.Lookup(none, none)
	if !errors.Is(err, sockstate.ErrNotFound) {
		t.Fatalf("Lookup(unused) = %v; want ErrNotFound", err)
	}
}

func TestCount(t *testing.T) {
	p := looptest.Dial(t, "tcp4", "127.0.0.1:0")
	entries, err := sockstate.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	port := addrPort(p.Listener.Addr()).Port()
	// The listener and the accepted socket share the port; the states differ.
	if got := sockstate.Count(entries, port, sockstate.Listen); got != 1 {
		t.Errorf("Count(LISTEN) = %d; want 1", got)
	}
	if got := sockstate.Count(entries, port, sockstate.Established); got != 1 {
		t.Errorf("Count(ESTABLISHED) = %d; want 1", got)
	}
}
