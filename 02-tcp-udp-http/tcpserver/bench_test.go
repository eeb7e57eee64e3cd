package tcpserver_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"testing"

	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// BenchmarkEchoRoundTrip measures one line's round trip over loopback,
// through tcpserver (per-read/write deadlines, idle tracking) and through a
// bare accept loop with no deadlines, to price the safety.
func BenchmarkEchoRoundTrip(b *testing.B) {
	b.Run("tcpserver", func(b *testing.B) {
		benchRoundTrip(b, startServer(b, &tcpserver.Server{Handler: lineEcho}))
	})
	b.Run("bare", func(b *testing.B) {
		ln := testserve.Listen(b)
		go bareServe(ln)
		benchRoundTrip(b, ln.Addr().String())
	})
}

// bareServe is the course's server: accept, a goroutine, no deadlines.
func bareServe(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			lineEcho.ServeTCP(context.Background(), conn)
		}()
	}
}

func benchRoundTrip(b *testing.B, addr string) {
	conn := dial(b, addr)
	r := bufio.NewReader(conn)
	msg := []byte("a line of about sixty-four bytes, like a small request.......\n")
	reply := make([]byte, len(msg))
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conn.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(r, reply); err != nil {
			b.Fatal(err)
		}
	}
}
