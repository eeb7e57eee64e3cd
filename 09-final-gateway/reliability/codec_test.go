package reliability_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/03-unpack/codec"
)

// testCodecFrames sends stage 03's length-prefixed frames through the gateway's tcp
// listener to stage 03's framed server (frames up to 1 KiB): a good frame is echoed,
// and a frame claiming more than the limit, a bad magic or a frame cut short ends the
// connection before the server allocates or answers anything. The listener's
// connection bound (max_conns 4) holds against a flood.
func testCodecFrames(t *testing.T, e *attackEnv) {
	lp := codec.NewLengthPrefixed(framedMax)
	t.Run("echo", func(t *testing.T) {
		c := dialTCP(t, e.addr.Framed)
		if err := lp.Encode(c, []byte("hello")); err != nil {
			t.Fatal(err)
		}
		got, err := lp.Decode(bufio.NewReader(c), nil)
		if err != nil || string(got) != "hello" {
			t.Fatalf("echo: %q, %v", got, err)
		}
	})
	for _, tc := range []struct {
		name  string
		frame []byte
	}{
		{"claims_more_than_the_limit", header(framedMax + 1)},
		{"claims_4GiB", header(1<<32 - 1)},
		{"bad_magic", append([]byte("87654321"), 0, 0, 0, 1, 'x')},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drain(e.frames.frames)
			c := dialTCP(t, e.addr.Framed)
			c.Write(tc.frame)
			if err := waitClosed(c, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			select {
			case n := <-e.frames.frames:
				t.Errorf("the server answered a %d-byte frame", n)
			default:
			}
		})
	}
	t.Run("frame_cut_short", func(t *testing.T) {
		c := dialTCP(t, e.addr.Framed)
		c.Write(append(header(10), "abc"...)) // 3 of 10 bytes, then silence
		if err := waitClosed(c, 5*time.Second); err != nil {
			t.Fatalf("a frame trickled and abandoned: %v (the server's read timeout is 1s)", err)
		}
	})
	t.Run("connection_flood", func(t *testing.T) {
		// Ten connections at once, each sending a frame. At the bound the listener stops
		// accepting (the rest wait in the kernel's backlog), so at most four are answered
		// before the first ones go idle (1s) and free their slots.
		var served atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			c := dialTCP(t, e.addr.Framed)
			wg.Go(func() {
				if lp.Encode(c, []byte("ping")) != nil {
					return
				}
				c.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
				if got, err := lp.Decode(bufio.NewReader(c), nil); err == nil && string(got) == "ping" {
					served.Add(1)
				}
			})
		}
		wg.Wait()
		if n := served.Load(); n > 4 || n == 0 {
			t.Fatalf("%d of 10 connections were served at once, want 1 to max_conns (4)", n)
		}
	})
}

// header is a length-prefixed frame header claiming n payload bytes.
func header(n uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte(codec.Magic), n)
}

// dialTCP connects to addr; the connection is closed when the test ends.
func dialTCP(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitClosed reads from c until the peer closes it; an error when it is still open
// after limit.
func waitClosed(c net.Conn, limit time.Duration) error {
	c.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errors.New("connection still open after " + limit.String())
	}
	return nil
}

// drain empties ch.
func drain(ch chan int) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
