package httpclient_test

import (
	"testing"

	"gatewaylab/02-tcp-udp-http/httpclient"
)

// BenchmarkGet shows what the connection pool (连接池) is worth: the same GET
// over a reused keep-alive connection, and over a new connection each time.
func BenchmarkGet(b *testing.B) {
	srv, _ := newCountingServer(b, 64)
	tests := []struct {
		name      string
		keepAlive bool
	}{
		{"pooled", true},
		{"new connection each time", false},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			tr := httpclient.NewTransport(httpclient.Config{})
			tr.DisableKeepAlives = !tt.keepAlive
			b.Cleanup(tr.CloseIdleConnections)
			client := httpclient.New(httpclient.Config{})
			client.Transport = tr
			b.ReportAllocs()
			for b.Loop() {
				if _, err := httpclient.Get(b.Context(), client, srv.URL, 1<<10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
