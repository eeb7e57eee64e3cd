package framed_test

import (
	"testing"

	"gatewaylab/03-unpack/framed"
)

// BenchmarkEchoRoundTrip measures one Call (frame out, echo back) over a
// real loopback connection: what a framed protocol costs end to end,
// system calls included.
func BenchmarkEchoRoundTrip(b *testing.B) {
	payload := make([]byte, 64)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	for name, c := range codecs(b) {
		b.Run(name, func(b *testing.B) {
			rs := startServer(b, &framed.Server{Codec: c, Handler: framed.Echo()})
			cl := rs.client(b, c)
			reply := make([]byte, 0, len(payload))
			b.ReportAllocs()
			for b.Loop() {
				got, err := cl.Call(b.Context(), payload, reply)
				if err != nil {
					b.Fatal(err)
				}
				reply = got
			}
		})
	}
}
