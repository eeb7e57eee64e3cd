package leanproxy

import (
	"context"
	"sync"
	"time"
)

// hostPool holds the idle connections to one upstream address, most recently used
// last. Taking the most recent one first keeps a small hot set warm and lets the rest
// age out, and it makes expiry cheap: if the newest idle connection is too old, all
// are.
type hostPool struct {
	t    *Transport
	addr string

	mu    sync.Mutex
	idle  []*conn
	sweep *time.Timer // armed while idle connections may expire; nil when none is
}

// get returns an idle connection, or a new one. With probe set (the request cannot be
// sent twice), idle connections are first checked for a close the upstream already
// sent, since there will be no second try.
func (p *hostPool) get(ctx context.Context, probe bool) (*conn, error) {
	for {
		c := p.pop()
		if c == nil {
			return p.dial(ctx)
		}
		if !probe || alive(c.nc) {
			return c, nil
		}
		c.close()
	}
}

// pop takes the most recently used idle connection that has not expired.
func (p *hostPool) pop() *conn {
	p.mu.Lock()
	n := len(p.idle)
	if n == 0 {
		p.mu.Unlock()
		return nil
	}
	c := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	if p.t.idleTimeout > 0 && time.Since(c.idleAt) > p.t.idleTimeout {
		stale := append([]*conn{c}, p.idle...) // c is the newest: every other one is older
		clear(p.idle)
		p.idle = p.idle[:0]
		p.mu.Unlock()
		closeAll(stale)
		return nil
	}
	p.mu.Unlock()
	return c
}

// dial opens a new connection to the pool's address.
func (p *hostPool) dial(ctx context.Context) (*conn, error) {
	nc, err := p.t.dial(ctx, "tcp", p.addr)
	if err != nil {
		return nil, wrapDial(p.addr, err)
	}
	return newConn(p, nc), nil
}

// put offers c back to the pool. It reports false when the pool is full; the caller
// then closes c.
func (p *hostPool) put(c *conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle) >= p.t.maxIdlePerHost {
		return false
	}
	if p.t.idleTimeout > 0 {
		c.idleAt = time.Now()
		if p.sweep == nil {
			p.sweep = time.AfterFunc(p.t.idleTimeout, p.expire)
		}
	}
	p.idle = append(p.idle, c)
	return true
}

// expire closes the connections idle longer than the timeout, and re-arms itself for
// the oldest one left. It runs on the timer's goroutine, never on a request's.
func (p *hostPool) expire() {
	p.mu.Lock()
	cut := time.Now().Add(-p.t.idleTimeout)
	n := 0
	for n < len(p.idle) && !p.idle[n].idleAt.After(cut) { // idle for the full timeout or longer
		n++
	}
	stale := make([]*conn, n)
	copy(stale, p.idle[:n])
	rest := copy(p.idle, p.idle[n:])
	clear(p.idle[rest:])
	p.idle = p.idle[:rest]
	if rest > 0 {
		p.sweep.Reset(time.Until(p.idle[0].idleAt.Add(p.t.idleTimeout)))
	} else {
		p.sweep = nil
	}
	p.mu.Unlock()
	closeAll(stale)
}

// closeIdle closes every idle connection.
func (p *hostPool) closeIdle() {
	p.mu.Lock()
	stale := append([]*conn(nil), p.idle...)
	clear(p.idle)
	p.idle = p.idle[:0]
	if p.sweep != nil {
		p.sweep.Stop()
		p.sweep = nil
	}
	p.mu.Unlock()
	closeAll(stale)
}

// idleCount is the number of idle connections (tests).
func (p *hostPool) idleCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

func closeAll(cs []*conn) {
	for _, c := range cs {
		c.close()
	}
}
