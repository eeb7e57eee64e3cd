package wsproxy_test

import (
	"testing"

	"github.com/gorilla/websocket"

	"gatewaylab/08-grpc-ws/wsproxy"
)

// BenchmarkRoundTrip measures one 64-byte message echoed back, straight to the echo
// server and through the proxy; the README reports the ratio.
func BenchmarkRoundTrip(b *testing.B) {
	echo := startEcho(b)
	_, proxied := startProxy(b, wsproxy.Config{}, echo)
	for _, bc := range []struct{ name, url string }{
		{"direct", "ws://" + echo},
		{"proxy", proxied},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := dialWS(b, bc.url, nil)
			msg := make([]byte, 64)
			b.ReportAllocs()
			for b.Loop() {
				if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					b.Fatal(err)
				}
				if _, _, err := c.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
