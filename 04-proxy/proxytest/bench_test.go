package proxytest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"gatewaylab/04-proxy/handmade"
	"gatewaylab/04-proxy/reverseproxy"
)

// The per-request overhead of each proxy: the same GET of a 64-byte body over real
// loopback connections (keep-alive), direct and through each proxy. The difference
// between a proxied run and the direct one is what the proxy costs.
//
//	go test -run '^$' -bench . -benchmem gatewaylab/04-proxy/proxytest

var body64 = []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")

func backend(b *testing.B) *url.URL {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body64)
	}))
	b.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

func run(b *testing.B, target string) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	b.Cleanup(client.CloseIdleConnections)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Get(target)
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

func front(b *testing.B, h http.Handler) string {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}

func BenchmarkDirect(b *testing.B) {
	run(b, backend(b).String())
}

func BenchmarkHandmade(b *testing.B) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	b.Cleanup(tr.CloseIdleConnections)
	run(b, front(b, &handmade.Proxy{Target: backend(b), Transport: tr}))
}

func BenchmarkProduction(b *testing.B) {
	p, err := reverseproxy.New(reverseproxy.Config{Target: backend(b)})
	if err != nil {
		b.Fatal(err)
	}
	run(b, front(b, p))
}
