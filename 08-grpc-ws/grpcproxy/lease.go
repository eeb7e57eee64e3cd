package grpcproxy

import (
	"fmt"
	"sort"

	"google.golang.org/grpc"

	"gatewaylab/05-loadbalance/balancer"
)

// pickAttempts bounds how often acquire picks again when the picked target left the set
// between the pick and the connection lookup (an Update raced the call). The balancer
// holds the new set by then, so the second pick nearly always succeeds.
const pickAttempts = 3

// lease is one call's hold on a target: the balancer's endpoint, whose Done reports the
// outcome, and the connection, which stays open until the lease ends.
type lease struct {
	ep *balancer.Endpoint
	up *upstream
}

// conn returns the connection the call must use.
func (l lease) conn() *grpc.ClientConn { return l.up.cc }

// end reports the call's outcome to the balancer and lets the connection close if its
// target has been retired meanwhile.
func (l lease) end(o balancer.Outcome) {
	l.ep.Done(o)
	l.up.release()
}

// acquire picks a target for one call and takes a lease on its connection. It returns
// an error wrapping balancer.ErrNoTarget when there is no target to pick.
func (u *Upstreams) acquire(key string) (lease, error) {
	for range pickAttempts {
		ep, err := u.bal.Pick(key)
		if err != nil {
			return lease{}, fmt.Errorf("grpcproxy: pick: %w", err)
		}
		u.mu.Lock()
		up := u.live[ep.Addr()]
		u.mu.Unlock()
		if up != nil && up.acquire() {
			return lease{ep: ep, up: up}, nil
		}
		// The target left after the pick; no request reached it, so nothing is reported
		// against it: an empty Outcome is neither a success nor a failure to the policies.
		ep.Done(balancer.Outcome{})
	}
	return lease{}, fmt.Errorf("grpcproxy: targets kept changing during the pick: %w", balancer.ErrNoTarget)
}

// acquire counts one more call on the connection, unless the target was retired.
func (up *upstream) acquire() bool {
	up.mu.Lock()
	defer up.mu.Unlock()
	if up.retired {
		return false
	}
	up.active++
	return true
}

// release ends one call and closes the connection of a retired target that became idle.
func (up *upstream) release() {
	up.mu.Lock()
	up.active--
	idle := up.retired && up.active == 0
	up.mu.Unlock()
	if idle {
		up.shutdown()
	}
}

// retire stops new calls; the connection closes now if idle, else at the last release.
func (up *upstream) retire() {
	up.mu.Lock()
	up.retired = true
	idle := up.active == 0
	up.mu.Unlock()
	if idle {
		up.shutdown()
	}
}

func (up *upstream) shutdown() {
	_ = up.cc.Close() // the only error is "already closed", which cannot happen: retired once, idle once
	up.onIdle(up)
}

// TargetStats describes one target's connection, for tests, logs and admin pages.
type TargetStats struct {
	Addr     string // the target address
	Active   int    // calls in flight on its connection
	Draining bool   // removed from the set; closes when Active reaches 0
}

// Stats returns every target that still has a connection, live or draining, sorted by
// address (live before draining for the same address).
func (u *Upstreams) Stats() []TargetStats {
	u.mu.Lock()
	ups := make([]*upstream, 0, len(u.live)+len(u.draining))
	for _, up := range u.live {
		ups = append(ups, up)
	}
	for up := range u.draining {
		ups = append(ups, up)
	}
	u.mu.Unlock()
	out := make([]TargetStats, 0, len(ups))
	for _, up := range ups {
		up.mu.Lock()
		out = append(out, TargetStats{Addr: up.addr, Active: up.active, Draining: up.retired})
		up.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Addr != out[j].Addr {
			return out[i].Addr < out[j].Addr
		}
		return !out[i].Draining
	})
	return out
}
