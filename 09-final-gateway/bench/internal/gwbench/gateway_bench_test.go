package gwbench_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/gateway"
	"gatewaylab/09-final-gateway/server"
)

var body64 = strings.Repeat("x", 64)

// configYAML is the benchmark harness's gateway configuration (bench/internal/targets)
// with one backend and port 0; middleware adds the never-triggering rate limit.
const configYAML = `
admin: {listen: "off"}
log: {level: error}
listeners:
  - {name: web, protocol: http, listen: "127.0.0.1:0"}
services:
  - name: be
    targets: [{addr: %q}]
routes:
  - name: all
    path_prefix: /
    service: be
%s`

const middlewareYAML = `    middleware:
      rate_limits: [{key: client_ip, rate: 100000000, burst: 100000000}]
`

// BenchmarkGateway sends GET / (64-byte answer) through the gateway: bare (routing and
// proxy, as bench/cmd/baregw) and full (server.Start: entry middleware, metrics, route
// middleware with one rate limit, as cmd/gateway). ns/op and allocs/op cover the
// client and the backend too, which are the same on both sides of a comparison.
func BenchmarkGateway(b *testing.B) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, body64)
	}))
	b.Cleanup(backend.Close)
	addr := strings.TrimPrefix(backend.URL, "http://")
	b.Run("bare", func(b *testing.B) {
		drive(b, startBare(b, parse(b, fmt.Sprintf(configYAML, addr, ""))))
	})
	b.Run("full", func(b *testing.B) {
		drive(b, startFull(b, parse(b, fmt.Sprintf(configYAML, addr, middlewareYAML))))
	})
}

func parse(b *testing.B, yaml string) *config.File {
	b.Helper()
	f, err := config.Parse("bench.yaml", []byte(yaml))
	if err != nil {
		b.Fatal(err)
	}
	return f
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func startBare(b *testing.B, f *config.File) string {
	g, err := gateway.New(f, nil, quiet())
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Shutdown(context.Background()) })
	return "http://" + g.Addr("web") + "/"
}

func startFull(b *testing.B, f *config.File) string {
	s, err := server.Start(b.Context(), server.Options{File: f, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Shutdown(context.Background()) })
	return "http://" + s.Gateway.Addr("web") + "/"
}

// drive sends GETs from parallel clients over keep-alive connections.
func drive(b *testing.B, url string) {
	client := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	b.Cleanup(client.CloseIdleConnections)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			res, err := client.RoundTrip(req)
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || n != int64(len(body64)) {
				b.Errorf("status %d, %d bytes", res.StatusCode, n)
				return
			}
		}
	})
}
