package tunnel

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"testing"
	"testing/synctest"
	"time"
)

// pair returns the two ends of a real loopback TCP connection.
func pair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// tunnelled sets up client <-> [a | tunnel | b] <-> upstream over real sockets.
func tunnelled(t *testing.T, idle time.Duration) (client, upstream net.Conn, done <-chan error) {
	t.Helper()
	client, a := pair(t)
	b, upstream := pair(t)
	errc := make(chan error, 1)
	go func() {
		_, err := Join(t.Context(), a, b, idle)
		errc <- err
	}()
	return client, upstream, errc
}

func TestHalfCloseKeepsTheAnswer(t *testing.T) {
	client, upstream, done := tunnelled(t, 0)
	request := []byte("the whole request")
	go func() {
		// The upstream reads until the client's EOF, then answers: a protocol that
		// needs half-close.
		got, err := io.ReadAll(upstream)
		if err != nil {
			t.Error(err)
		}
		upstream.Write(append([]byte("answer to: "), got...))
		upstream.Close()
	}()
	client.Write(request)
	client.(*net.TCPConn).CloseWrite()
	answer, err := io.ReadAll(client)
	if err != nil {
		t.Fatal(err)
	}
	if string(answer) != "answer to: the whole request" {
		t.Fatalf("answer %q", answer)
	}
	if err := <-done; err != nil {
		t.Errorf("Join = %v, want nil after clean ends", err)
	}
}

func TestLargeTransferBothWays(t *testing.T) {
	client, upstream, done := tunnelled(t, time.Minute)
	up := make([]byte, 3<<20)
	down := make([]byte, 2<<20)
	rand.Read(up)
	rand.Read(down)
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(upstream)
		got <- b
	}()
	go func() {
		upstream.Write(down)
		upstream.(*net.TCPConn).CloseWrite()
	}()
	go func() {
		client.Write(up)
		client.(*net.TCPConn).CloseWrite()
	}()
	received, err := io.ReadAll(client)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(received, down) {
		t.Errorf("client received %d bytes, want %d identical", len(received), len(down))
	}
	if b := <-got; !bytes.Equal(b, up) {
		t.Errorf("upstream received %d bytes, want %d identical", len(b), len(up))
	}
	if err := <-done; err != nil {
		t.Errorf("Join = %v", err)
	}
}

func TestContextCancelClosesBoth(t *testing.T) {
	client, a := pair(t)
	b, upstream := pair(t)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := Join(ctx, a, b, 0)
		errc <- err
	}()
	cancel()
	if err := <-errc; err == nil {
		t.Error("Join returned nil after cancel")
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := client.Read(make([]byte, 1)); err == nil {
		t.Error("client side still open")
	}
	upstream.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := upstream.Read(make([]byte, 1)); err == nil {
		t.Error("upstream side still open")
	}
}

// The idle rules run on net.Pipe inside a synctest bubble: its deadlines use the
// bubble's fake clock, so "an hour of silence" takes no real time.
func TestIdle(t *testing.T) {
	t.Run("silent tunnel times out", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			client, a := net.Pipe()
			b, upstream := net.Pipe()
			defer client.Close()
			defer upstream.Close()
			start := time.Now()
			_, err := Join(t.Context(), a, b, time.Minute)
			if !errors.Is(err, ErrIdle) {
				t.Fatalf("Join = %v, want ErrIdle", err)
			}
			if waited := time.Since(start); waited != time.Minute {
				t.Errorf("timed out after %v, want 1m", waited)
			}
		})
	})
	t.Run("one-way stream is not idle", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			client, a := net.Pipe()
			b, upstream := net.Pipe()
			errc := make(chan error, 1)
			go func() {
				_, err := Join(t.Context(), a, b, time.Minute)
				errc <- err
			}()
			received := make(chan error, 1)
			go func() {
				_, err := io.ReadFull(client, make([]byte, 8*len("tick")))
				received <- err
			}()
			// The upstream sends every 40 s for 5 minutes; the client says nothing.
			for range 8 {
				time.Sleep(40 * time.Second)
				if _, err := upstream.Write([]byte("tick")); err != nil {
					t.Fatalf("tunnel closed during a one-way stream: %v", err)
				}
			}
			if err := <-received; err != nil {
				t.Fatalf("client did not get every tick: %v", err)
			}
			client.Close() // net.Pipe cannot half-close: end each side in turn
			upstream.Close()
			if err := <-errc; err != nil {
				t.Fatalf("Join = %v, want a clean end", err)
			}
		})
	})
}
