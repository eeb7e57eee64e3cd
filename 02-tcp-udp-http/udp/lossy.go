package udp

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
)

// DropFunc decides whether to drop the datagram with the given sequence
// number (1 for the first datagram in that direction, 2 for the next...).
// It must be safe for concurrent use.
type DropFunc func(seq uint64) bool

// DropFirst drops the first k datagrams and passes the rest.
func DropFirst(k uint64) DropFunc {
	return func(seq uint64) bool { return seq <= k }
}

// DropRandom drops each datagram with probability p, using a generator
// seeded with seed so that a run can be repeated.
func DropRandom(p float64, seed uint64) DropFunc {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func(uint64) bool {
		mu.Lock()
		defer mu.Unlock()
		return r.Float64() < p
	}
}

// LossyConn wraps a PacketConn and loses datagrams on purpose, the way a real
// network does, so that retries can be seen and tested on loopback (which
// never loses anything). A nil DropFunc loses nothing in that direction.
type LossyConn struct {
	net.PacketConn
	// DropIn drops incoming datagrams (lost requests, on a server).
	DropIn DropFunc
	// DropOut drops outgoing datagrams (lost replies, on a server).
	DropOut DropFunc

	in, out atomic.Uint64
	dropped atomic.Uint64
}

// ReadFrom returns the next datagram that is not dropped.
func (c *LossyConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(p)
		if err != nil || c.DropIn == nil || !c.DropIn(c.in.Add(1)) {
			return n, addr, err
		}
		c.dropped.Add(1)
	}
}

// WriteTo sends p unless it is dropped; a dropped datagram still reports
// success, since a real sender cannot tell either.
func (c *LossyConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if c.DropOut != nil && c.DropOut(c.out.Add(1)) {
		c.dropped.Add(1)
		return len(p), nil
	}
	return c.PacketConn.WriteTo(p, addr)
}

// Dropped returns how many datagrams were dropped so far, both directions.
func (c *LossyConn) Dropped() uint64 { return c.dropped.Load() }
