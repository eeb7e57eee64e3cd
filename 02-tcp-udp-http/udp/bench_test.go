package udp_test

import (
	"net"
	"testing"

	"gatewaylab/02-tcp-udp-http/udp"
)

// BenchmarkExchange prices one request/reply over loopback: the Client
// (a fresh connected socket per call, so late replies can never be confused)
// against reusing one connected socket for every call.
func BenchmarkExchange(b *testing.B) {
	addr := startUDP(b, &udp.Server{Handler: udp.Echo}, nil)
	payload := make([]byte, 64)
	b.Run("client, socket per call", func(b *testing.B) {
		var c udp.Client
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Exchange(b.Context(), addr, payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one shared socket", func(b *testing.B) {
		conn, err := net.Dial("udp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		buf := make([]byte, udp.DefaultMaxDatagram+1)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := conn.Write(payload); err != nil {
				b.Fatal(err)
			}
			if _, err := conn.Read(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
