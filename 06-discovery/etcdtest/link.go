package etcdtest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Link is a TCP relay in front of a server. Cut drops every connection through it and
// refuses new ones, as a network partition between one client and etcd would, while
// the server keeps running for everyone else; Restore reconnects.
type Link struct {
	tb     testing.TB
	addr   string // where the link listens
	target string // the server's host:port

	mu    sync.Mutex
	ln    net.Listener // nil while cut
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewLink relays to the first endpoint of s. The link is closed when the test ends.
func (s *Server) NewLink(tb testing.TB) *Link {
	tb.Helper()
	u, err := url.Parse(s.Endpoints()[0])
	if err != nil {
		tb.Fatalf("parse endpoint: %v", err)
	}
	l := &Link{tb: tb, addr: "127.0.0.1:0", target: u.Host, conns: map[net.Conn]struct{}{}}
	l.Restore()
	tb.Cleanup(func() { l.Cut(); l.wg.Wait() })
	return l
}

// Endpoints returns the link's URL, to configure a client with.
func (l *Link) Endpoints() []string { return []string{"http://" + l.addr} }

// Cut closes the listener and every relayed connection.
func (l *Link) Cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		l.ln.Close() // ends the accept loop
		l.ln = nil
	}
	for c := range l.conns {
		c.Close()
	}
}

// Restore listens again, on the same address.
func (l *Link) Restore() {
	l.tb.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		return
	}
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		l.tb.Fatalf("link: listen on %s: %v", l.addr, err)
	}
	l.addr, l.ln = ln.Addr().String(), ln
	l.wg.Go(func() { l.accept(ln) })
}

func (l *Link) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed by Cut
		}
		up, err := net.Dial("tcp", l.target)
		if err != nil {
			c.Close()
			continue
		}
		if !l.track(ln, c, up) {
			return
		}
		l.wg.Go(func() { l.pipe(c, up) })
		l.wg.Go(func() { l.pipe(up, c) })
	}
}

// track registers both ends, unless ln was cut meanwhile.
func (l *Link) track(ln net.Listener, conns ...net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != ln {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		l.conns[c] = struct{}{}
	}
	return true
}

// pipe copies until either side fails, then closes both.
func (l *Link) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src) // the error is the Cut or a side closing: both end the relay
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range []net.Conn{dst, src} {
		c.Close()
		delete(l.conns, c)
	}
}
