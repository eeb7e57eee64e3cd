// Package demo holds what the stage's demos share: an upstream that tells you what
// reached it, and serving with the safe defaults and graceful shutdown every server in
// this project has.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"gatewaylab/04-proxy/statuswriter"
)

// Echo is an upstream that answers with what it received: method, URL, Host, the peer
// address and every header, sorted. Pointing a proxy at it shows what the proxy changed.
func Echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Upstream", name)
		var b strings.Builder
		fmt.Fprintf(&b, "%s saw: %s %s %s\n", name, r.Method, r.URL.RequestURI(), r.Proto)
		fmt.Fprintf(&b, "  Host: %s\n  peer: %s\n", r.Host, r.RemoteAddr)
		names := make([]string, 0, len(r.Header))
		for k := range r.Header {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			fmt.Fprintf(&b, "  %s: %s\n", k, strings.Join(r.Header[k], ", "))
		}
		fmt.Fprint(w, b.String())
	})
}

// NewServer returns an http.Server with the timeouts and limits every server here has.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
}

// Listen listens on addr (use "127.0.0.1:0" for a free port).
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Background serves srv on ln until Close; for demo upstreams that live as long as the
// demo. Errors other than a normal close are printed.
func Background(srv *http.Server, ln net.Listener) {
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "upstream:", err)
		}
	}()
}

// ServeUntilSignal serves srv on ln (over TLS when tls is true) until Ctrl-C or
// SIGTERM, then shuts down gracefully: stop accepting, let requests in flight finish
// within 5 s, then close what is left.
func ServeUntilSignal(srv *http.Server, ln net.Listener, tls bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Println("\nshutting down: draining requests in flight (5 s at most)")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Println("drain incomplete, closing:", err)
		return srv.Close()
	}
	return nil
}

// Upstream serves Echo at / and a short server-sent event stream at /events: three
// events, 700 ms apart, each flushed at once. Through a proxy that buffers, they arrive
// together at the end; through one that flushes, one by one.
func Upstream(name string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", Echo(name))
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(w, "data: event %d at %s\n\n", i, time.Now().Format("15:04:05.000"))
			if err := rc.Flush(); err != nil {
				return
			}
			select {
			case <-time.After(700 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	return mux
}

// LogRequests prints one line per request: what came in and the status that went out.
func LogRequests(prefix string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := statuswriter.New(w)
		start := time.Now()
		next.ServeHTTP(rec, r)
		outcome := fmt.Sprint(rec.Status())
		if rec.Hijacked() {
			outcome = "connection taken over (tunnel), now closed"
		}
		fmt.Printf("%s %s %s %s -> %s in %s\n", prefix, r.RemoteAddr, r.Method, r.RequestURI,
			outcome, time.Since(start).Round(time.Millisecond))
	})
}
