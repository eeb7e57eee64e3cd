package closewait_test

import (
	"net"
	"net/netip"
	"testing"

	"gatewaylab/01-network/sockstate"
)

// TestCloseWaitCount is the lesson: N clients hang up; the leaky server's
// kernel holds N sockets in CLOSE_WAIT, the fixed server's holds none.
func TestCloseWaitCount(t *testing.T) {
	const clients = 5
	tests := []struct {
		name          string
		forget        bool
		wantCloseWait int
	}{
		{"fixed server leaves none", false, 0},
		{"leaky server leaves one per client", true, clients},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startServer(t, tt.forget)
			server := netip.MustParseAddrPort(h.addr)
			var ours []netip.AddrPort
			for range clients {
				ours = append(ours, h.hangUp(t).(*net.TCPAddr).AddrPort())
			}
			// The server read EOF, so the client's FIN is processed: each socket
			// is in CLOSE_WAIT now unless the server closed it.
			entries, err := sockstate.Snapshot()
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			got := 0
			for _, client := range ours {
				if e, ok := sockstate.Find(entries, server, client); ok && e.State == sockstate.CloseWait {
					got++
				}
			}
			if got != tt.wantCloseWait {
				t.Errorf("CLOSE_WAIT sockets of %v = %d; want %d", server, got, tt.wantCloseWait)
			}
		})
	}
}
