package sockstate

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// ErrNotFound reports that no socket in the table has the given addresses.
// A connection that has fully closed (state CLOSED) leaves the table, so
// after the last ACK of a teardown the passive closer's socket is not found.
var ErrNotFound = errors.New("socket not in table")

// pollInterval is how often Wait rereads the table. Reading both files
// costs tens of microseconds; 2ms keeps Wait responsive without spinning.
const pollInterval = 2 * time.Millisecond

// Lookup returns the socket whose local and remote addresses are the given
// ones. IPv4-mapped IPv6 addresses (a dual-stack socket serving an IPv4
// peer) match their IPv4 form. For a listening socket pass the unspecified
// remote address, netip.AddrPortFrom(netip.IPv4Unspecified(), 0).
func Lookup(local, remote netip.AddrPort) (Entry, error) {
	entries, err := Snapshot()
	if err != nil {
		return Entry{}, err
	}
	if e, ok := Find(entries, local, remote); ok {
		return e, nil
	}
	return Entry{}, fmt.Errorf("lookup %s -> %s: %w", local, remote, ErrNotFound)
}

// Find returns the entry with the given local and remote addresses.
func Find(entries []Entry, local, remote netip.AddrPort) (Entry, bool) {
	local, remote = unmap(local), unmap(remote)
	for _, e := range entries {
		if unmap(e.Local) == local && unmap(e.Remote) == remote {
			return e, true
		}
	}
	return Entry{}, false
}

// Count returns how many entries have local port port and state st.
func Count(entries []Entry, port uint16, st State) int {
	n := 0
	for _, e := range entries {
		if e.Local.Port() == port && e.State == st {
			n++
		}
	}
	return n
}

// Wait rereads the table until the socket with the given addresses is in
// state want, and returns its entry. A socket that is not (or no longer) in
// the table never matches, so waiting for a state after the socket has gone
// to CLOSED runs until ctx is done; the error then names the last state seen.
func Wait(ctx context.Context, local, remote netip.AddrPort, want State) (Entry, error) {
	last := "not in table"
	e, err := WaitFunc(ctx, func(entries []Entry) (Entry, bool) {
		e, ok := Find(entries, local, remote)
		if ok {
			last = e.State.String()
		}
		return e, ok && e.State == want
	})
	if err != nil {
		return Entry{}, fmt.Errorf("wait for %s -> %s to reach %s (last seen: %s): %w", local, remote, want, last, err)
	}
	return e, nil
}

// WaitFunc rereads the table until match picks an entry, and returns it. It
// polls because the kernel offers no notification of state changes; ctx
// bounds the wait, and its cause is returned when it ends first.
func WaitFunc(ctx context.Context, match func([]Entry) (Entry, bool)) (Entry, error) {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		entries, err := Snapshot()
		if err != nil {
			return Entry{}, err
		}
		if e, ok := match(entries); ok {
			return e, nil
		}
		select {
		case <-ctx.Done():
			return Entry{}, context.Cause(ctx)
		case <-ticker.C:
		}
	}
}

func unmap(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
