package leanproxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gatewaylab/04-proxy/leanproxy"
	"gatewaylab/04-proxy/reverseproxy"
)

// The lean path against net/http's Transport, on real loopback connections, two ways:
// RoundTrip alone (the transport's own cost per request), and a whole reverse proxy
// (client -> reverseproxy -> backend) with each transport underneath.
//
//	go test -run '^$' -bench . -benchmem -count 6 gatewaylab/04-proxy/leanproxy | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest new.txt

var body64 = strings.Repeat("x", 64)

func backend(b *testing.B) *url.URL {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, body64)
	}))
	b.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// transports builds each transport under test over the gateway's own defaults.
func transports(b *testing.B) map[string]http.RoundTripper {
	b.Helper()
	std, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{})
	if err != nil {
		b.Fatal(err)
	}
	fb, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{})
	if err != nil {
		b.Fatal(err)
	}
	lean := leanproxy.New(fb)
	b.Cleanup(std.CloseIdleConnections)
	b.Cleanup(lean.CloseIdleConnections)
	return map[string]http.RoundTripper{"std": std, "lean": lean}
}

func BenchmarkRoundTrip(b *testing.B) {
	target := backend(b).String()
	for _, name := range []string{"std", "lean"} {
		b.Run(name, func(b *testing.B) {
			rt := transports(b)[name]
			parallelGets(b, rt, target)
		})
	}
}

func BenchmarkReverseProxy(b *testing.B) {
	target := backend(b)
	for _, name := range []string{"std", "lean"} {
		b.Run(name, func(b *testing.B) {
			p, err := reverseproxy.New(reverseproxy.Config{Target: target, Transport: transports(b)[name]})
			if err != nil {
				b.Fatal(err)
			}
			front := httptest.NewServer(p)
			b.Cleanup(front.Close)
			client := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
			b.Cleanup(client.CloseIdleConnections)
			parallelGets(b, client, front.URL)
		})
	}
}

func parallelGets(b *testing.B, rt http.RoundTripper, target string) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, target, nil)
			if err != nil {
				b.Error(err)
				return
			}
			res, err := rt.RoundTrip(req)
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if n != int64(len(body64)) {
				b.Errorf("got %d bytes", n)
				return
			}
		}
	})
}

// BenchmarkIdleConnMemory reports what one idle pooled upstream connection costs the
// proxy's heap and goroutine stacks (issue 12 aims at under 16 KiB per idle
// connection): it opens idleConns connections at once through each transport, lets
// them go idle, and compares the Go runtime's in-use memory before and after. The
// kernel's socket buffers are not counted (they are the same for both). The ns/op of
// this benchmark means nothing; read the bytes/idle-conn metric.
func BenchmarkIdleConnMemory(b *testing.B) {
	const idleConns = 200
	for _, name := range []string{"std", "lean"} {
		b.Run(name, func(b *testing.B) {
			release := make(chan struct{})
			var arrived sync.WaitGroup
			arrived.Add(idleConns)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived.Done()
				<-release
				io.WriteString(w, body64)
			}))
			b.Cleanup(srv.Close)
			rt := transports(b)[name]
			before := inUse()
			var done sync.WaitGroup
			for range idleConns {
				done.Go(func() {
					req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
					if res, err := rt.RoundTrip(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				})
			}
			arrived.Wait() // idleConns connections open at once
			close(release)
			done.Wait()
			perConn := float64(inUse()-before) / idleConns
			for b.Loop() {
			}
			b.ReportMetric(perConn, "bytes/idle-conn") // after the loop, which resets metrics
		})
	}
}

// inUse is the Go runtime's in-use heap and stack memory after a collection.
func inUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}
