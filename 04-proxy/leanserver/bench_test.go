package leanserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkServe compares net/http's server with leanserver on the same handler (64
// bytes, Content-Length set) over real loopback keep-alive connections, driven by a
// minimal raw client so that the servers' costs dominate. allocs/op includes the
// client's few. Run: go test -run '^$' -bench Serve -benchmem ./04-proxy/leanserver
func BenchmarkServe(b *testing.B) {
	body := strings.Repeat("x", 64)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "64")
		io.WriteString(w, body)
	})
	b.Run("net-http", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: h}
		go srv.Serve(ln)
		defer srv.Close()
		drive(b, ln.Addr().String())
	})
	b.Run("leanserver", func(b *testing.B) {
		_, addr := start(b, h)
		drive(b, addr)
	})
}

// drive sends GET requests over one keep-alive connection per parallel goroutine.
func drive(b *testing.B, addr string) {
	const req = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		for pb.Next() {
			if _, err := io.WriteString(c, req); err != nil {
				b.Error(err)
				return
			}
			if err := skipResponse(br); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// skipResponse reads one response with a Content-Length of 64, without allocating.
func skipResponse(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) == 2 {
			break
		}
	}
	_, err := br.Discard(64)
	return err
}
