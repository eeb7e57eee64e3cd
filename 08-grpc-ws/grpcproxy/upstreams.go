package grpcproxy

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"google.golang.org/grpc"

	"gatewaylab/05-loadbalance/balancer"
)

// ErrClosed is returned by Upstreams.Update after Close.
var ErrClosed = errors.New("grpcproxy: upstreams closed")

// DialFunc creates the client connection to one target address. It must not block:
// grpc.NewClient connects in the background, and Update runs it for each new target.
type DialFunc func(addr string) (*grpc.ClientConn, error)

// Upstreams is the set of targets one proxied service balances over: a balancer from
// stage 05 plus exactly one pooled *grpc.ClientConn per target. Every call is balanced
// on its own (the course picked a backend once, at start-up), yet no call dials: a
// ClientConn multiplexes any number of calls over one HTTP/2 connection (the course's
// proxy paid a new connection per call).
//
// Upstreams is itself a balancer.Balancer, so whatever feeds a balancer (static
// configuration, stage 06's discovery observer) feeds it: Update dials the targets that
// appear, and retires the ones that leave. A retired target gets no new calls; its
// connection is closed when its last in-flight call ends, so open streams finish.
type Upstreams struct {
	bal  balancer.Balancer
	dial DialFunc

	updateMu sync.Mutex // serialises Update and Close
	mu       sync.Mutex // guards the fields below; never held while dialing or closing
	live     map[string]*upstream
	draining map[*upstream]struct{}
	closed   bool
}

var _ balancer.Balancer = (*Upstreams)(nil)

// upstream is one target's connection and the calls using it.
type upstream struct {
	addr string
	cc   *grpc.ClientConn

	mu      sync.Mutex
	active  int
	retired bool
	onIdle  func(*upstream) // called once, when retired and idle, after cc is closed
}

// NewUpstreams returns an empty set that picks with bal and connects with dial. Fill
// it with Update. bal must be empty and used only through Upstreams.
func NewUpstreams(bal balancer.Balancer, dial DialFunc) *Upstreams {
	return &Upstreams{
		bal:      bal,
		dial:     dial,
		live:     map[string]*upstream{},
		draining: map[*upstream]struct{}{},
	}
}

// Pick is the balancer's Pick. The proxy does not use it (it needs the endpoint and the
// connection together, see acquire); it is here so that Upstreams is a Balancer.
func (u *Upstreams) Pick(key string) (*balancer.Endpoint, error) { return u.bal.Pick(key) }

// Update replaces the target set. New targets are dialled (in the background) before
// the balancer can pick them; targets that left are retired once the balancer can no
// longer pick them. On error nothing changes.
func (u *Upstreams) Update(targets []balancer.Target) error {
	u.updateMu.Lock()
	defer u.updateMu.Unlock()
	added, err := u.dialNew(targets)
	if err != nil {
		return err
	}
	if err := u.bal.Update(targets); err != nil {
		u.discard(added)
		return fmt.Errorf("grpcproxy: update targets: %w", err)
	}
	u.retireGone(targets)
	return nil
}

// dialNew connects to the targets not yet in the set and publishes them, so that a
// pick from the new set always finds its connection.
func (u *Upstreams) dialNew(targets []balancer.Target) ([]*upstream, error) {
	u.mu.Lock()
	closed := u.closed
	var fresh []string
	for _, t := range targets {
		if _, ok := u.live[t.Addr]; !ok && !slices.Contains(fresh, t.Addr) {
			fresh = append(fresh, t.Addr)
		}
	}
	u.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	added := make([]*upstream, 0, len(fresh))
	for _, addr := range fresh {
		cc, err := u.dial(addr)
		if err != nil {
			u.discard(added)
			return nil, fmt.Errorf("grpcproxy: dial %s: %w", addr, err)
		}
		cc.Connect() // start now, so that the first call does not wait for the handshake
		added = append(added, &upstream{addr: addr, cc: cc, onIdle: u.forget})
	}
	u.mu.Lock()
	for _, up := range added {
		u.live[up.addr] = up
	}
	u.mu.Unlock()
	return added, nil
}

// discard undoes dialNew for targets the balancer refused.
func (u *Upstreams) discard(added []*upstream) {
	u.mu.Lock()
	for _, up := range added {
		if u.live[up.addr] == up {
			delete(u.live, up.addr)
		}
	}
	u.mu.Unlock()
	for _, up := range added {
		_ = up.cc.Close() // never used; its Close error says nothing new
	}
}

// retireGone retires every live target that is not in targets.
func (u *Upstreams) retireGone(targets []balancer.Target) {
	keep := make(map[string]bool, len(targets))
	for _, t := range targets {
		keep[t.Addr] = true
	}
	var gone []*upstream
	u.mu.Lock()
	for addr, up := range u.live {
		if !keep[addr] {
			delete(u.live, addr)
			u.draining[up] = struct{}{}
			gone = append(gone, up)
		}
	}
	u.mu.Unlock()
	for _, up := range gone {
		up.retire()
	}
}

// forget drops a drained upstream from the draining set.
func (u *Upstreams) forget(up *upstream) {
	u.mu.Lock()
	delete(u.draining, up)
	u.mu.Unlock()
}

// Close retires every target: no new calls are accepted, and each connection closes
// when its in-flight calls end. Later Updates fail with ErrClosed.
func (u *Upstreams) Close() error {
	u.updateMu.Lock()
	defer u.updateMu.Unlock()
	u.mu.Lock()
	u.closed = true
	u.mu.Unlock()
	if err := u.bal.Update(nil); err != nil {
		return fmt.Errorf("grpcproxy: empty the balancer: %w", err)
	}
	u.retireGone(nil)
	return nil
}
