package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// passiveCloseDelay is how long the server waits after the client's FIN
// before closing. It is longer than Linux's delayed-ACK timer (40-200ms), so
// the server's kernel ACKs the FIN on its own and the teardown shows four
// segments; a server that closes at once lets its FIN carry that ACK (three).
const passiveCloseDelay = 300 * time.Millisecond

// talk runs one short conversation on addr, for capturing with tcpdump:
// handshake, "hello\n" from the client, "hi\n" back, the client closes, the
// server closes after passiveCloseDelay.
func talk(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() { served <- serveOnce(ln) }()

	clientErr := converse(ctx, ln.Addr().String())
	if clientErr != nil {
		ln.Close() // unblocks a server still waiting in Accept
	}
	return errors.Join(clientErr, <-served)
}

func converse(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "hello\n"); err != nil {
		return fmt.Errorf("client write: %w", err)
	}
	reply := make([]byte, 3)
	if _, err := io.ReadFull(c, reply); err != nil {
		return fmt.Errorf("client read: %w", err)
	}
	fmt.Printf("client %v: sent %q, got %q, closing\n", c.LocalAddr(), "hello\n", reply)
	return c.Close()
}

func serveOnce(ln net.Listener) error {
	c, err := ln.Accept()
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	line := make([]byte, len("hello\n"))
	if _, err := io.ReadFull(c, line); err != nil {
		return fmt.Errorf("server read: %w", err)
	}
	if _, err := io.WriteString(c, "hi\n"); err != nil {
		return fmt.Errorf("server write: %w", err)
	}
	if _, err := io.Copy(io.Discard, c); err != nil { // until the client's FIN
		return fmt.Errorf("server wait for FIN: %w", err)
	}
	time.Sleep(passiveCloseDelay) // on purpose: see passiveCloseDelay
	fmt.Printf("server %v: client closed; closing after %v\n", c.LocalAddr(), passiveCloseDelay)
	return c.Close()
}
