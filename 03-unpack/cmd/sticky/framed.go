package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
)

// showFramed sends the same messages, one write each, to a framed server
// for every framing, and checks what its handler received.
func showFramed(ctx context.Context, msgs [][]byte) error {
	fmt.Println("3. Framed server (package framed): same 100 writes, the codec restores the boundaries")
	fixed, err := codec.NewFixedLength(16, 0)
	if err != nil {
		return err
	}
	for _, c := range []codec.Codec{codec.NewLengthPrefixed(0), fixed, codec.NewDelimited('\n', 0)} {
		got, err := framedExchange(ctx, c, msgs)
		if err != nil {
			return fmt.Errorf("%v: %w", c, err)
		}
		fmt.Printf("   %-36v handler called %d times, %d/%d frames equal to the message sent, in order\n",
			c, len(got), countEqual(got, msgs), len(msgs))
	}
	fmt.Println("   => one frame per message, however TCP grouped the bytes.")
	return nil
}

// recorder is a handler that keeps a copy of every frame and echoes it.
type recorder struct {
	mu     sync.Mutex
	frames [][]byte
}

func (r *recorder) ServeFrame(_ context.Context, frame []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append(r.frames, bytes.Clone(frame))
	return frame, nil
}

// framedExchange starts a framed server, writes every message as a frame
// with its own Write, reads all the echoes, shuts the server down, and
// returns the frames its handler saw.
func framedExchange(ctx context.Context, c codec.Codec, msgs [][]byte) ([][]byte, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	rec := &recorder{}
	srv := &framed.Server{Codec: c, Handler: rec, Logger: slog.New(slog.DiscardHandler)}
	serveCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln) }()

	sendErr := sendFrames(ln.Addr().String(), c, msgs)
	stop()
	if err := <-served; err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if sendErr != nil {
		return nil, sendErr
	}
	return rec.frames, nil
}

// sendFrames writes each message as one frame straight to the socket (no
// buffering, so one write per frame), then reads one echo per message.
func sendFrames(addr string, c codec.Codec, msgs [][]byte) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	for _, m := range msgs {
		if err := c.Encode(conn, m); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return readEchoes(bufio.NewReader(conn), c, len(msgs))
}

// readEchoes reads n replies; they prove the server answered every frame.
func readEchoes(r io.Reader, c codec.Codec, n int) error {
	var buf []byte
	for i := range n {
		reply, err := c.Decode(r, buf)
		if err != nil {
			return fmt.Errorf("reply %d: %w", i+1, err)
		}
		buf = reply
	}
	return nil
}

func countEqual(got, want [][]byte) int {
	n := 0
	for i := range min(len(got), len(want)) {
		if bytes.Equal(got[i], want[i]) {
			n++
		}
	}
	return n
}
