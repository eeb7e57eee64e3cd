// Command http-server serves the demo routes with every timeout set and shuts
// down gracefully on Ctrl-C: a request in flight finishes, new connections
// are refused.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	readHeader := flag.Duration("read-header-timeout", 5*time.Second, "time allowed for the request headers")
	idle := flag.Duration("idle-timeout", 90*time.Second, "keep-alive connection idle limit")
	grace := flag.Duration("grace", 10*time.Second, "how long Ctrl-C waits for requests in flight")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := httpserver.Config{Addr: *addr, ReadHeaderTimeout: *readHeader, IdleTimeout: *idle}
	if err := run(ctx, cfg, *grace); err != nil {
		fmt.Fprintln(os.Stderr, "http-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg httpserver.Config, grace time.Duration) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := httpserver.New(cfg, accessLog(httpserver.Routes()), logger)
	fmt.Printf("http server on http://%s (read header timeout %v, idle timeout %v, write timeout %v, max header %d bytes)\n",
		ln.Addr(), srv.ReadHeaderTimeout, srv.IdleTimeout, srv.WriteTimeout, srv.MaxHeaderBytes)
	fmt.Printf(`Try next, in another terminal:
  curl -i 'http://%[1]s/hello?name=Ada'
  curl -i -X POST http://%[1]s/hello          # 405, with an Allow header
  go run ./02-tcp-udp-http/cmd/http-client     # shows connection reuse
  go run ./02-tcp-udp-http/cmd/slow-client     # slowloris, cut by ReadHeaderTimeout
Graceful shutdown: run  curl 'http://%[1]s/slow?d=5s'  and press Ctrl-C here
while it waits: curl still gets its answer, then the server exits.
`, ln.Addr())

	announced := make(chan struct{})
	go func() {
		defer close(announced)
		<-ctx.Done()
		fmt.Printf("shutting down: listener closed, waiting up to %v for requests in flight\n", grace)
	}()
	err = httpserver.Run(ctx, srv, ln, grace)
	if ctx.Err() != nil {
		<-announced // with nothing in flight Run can return first: keep "shutting down" before "bye"
	}
	if err != nil {
		return err
	}
	fmt.Println("all requests finished; bye")
	return nil
}

// accessLog prints one line per request once it is answered.
func accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		fmt.Printf("%s %s %s -> %d in %v\n", r.RemoteAddr, r.Method, r.URL.RequestURI(), rec.status, time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
