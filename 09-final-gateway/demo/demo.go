// Package demo runs demo backends inside the gateway process, for the embedded default
// configuration: a newcomer who runs the gateway with no flag gets services to curl at
// once. They are deliberately small, and they say who answered, so that balancing,
// stickiness, rate limits and circuit breaking are visible in the answers.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/02-tcp-udp-http/tcpecho"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// Backends are the running demo servers.
type Backends struct {
	logger *slog.Logger
	mu     sync.Mutex
	stops  []func(context.Context) error
}

// Start starts an HTTP backend on each of httpAddrs and a line-echo TCP backend on each
// of tcpAddrs. Stop them with Shutdown.
func Start(logger *slog.Logger, httpAddrs, tcpAddrs []string) (*Backends, error) {
	b := &Backends{logger: logger}
	for _, addr := range httpAddrs {
		if err := b.startHTTP(addr); err != nil {
			b.Shutdown(context.Background())
			return nil, err
		}
	}
	for _, addr := range tcpAddrs {
		if err := b.startTCP(addr); err != nil {
			b.Shutdown(context.Background())
			return nil, err
		}
	}
	return b, nil
}

// Add registers another server's stop function (gRPC and WebSocket backends started
// elsewhere), so that Shutdown stops everything.
func (b *Backends) Add(stop func(context.Context) error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stops = append(b.stops, stop)
}

// Shutdown stops every backend.
func (b *Backends) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []error
	for _, stop := range b.stops {
		errs = append(errs, stop(ctx))
	}
	b.stops = nil
	return errors.Join(errs...)
}

func (b *Backends) startHTTP(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("demo backend %s: %w", addr, err)
	}
	srv := httpserver.New(httpserver.Config{}, Handler(ln.Addr().String()), b.logger)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.logger.Error("demo backend stopped", "addr", addr, "err", err)
		}
	}()
	b.stops = append(b.stops, srv.Shutdown)
	return nil
}

func (b *Backends) startTCP(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("demo tcp backend %s: %w", addr, err)
	}
	srv := &tcpserver.Server{Handler: tcpecho.Handler{}, Logger: b.logger}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, tcpserver.ErrServerClosed) {
			b.logger.Error("demo tcp backend stopped", "addr", addr, "err", err)
		}
	}()
	b.stops = append(b.stops, srv.Shutdown)
	return nil
}

// Answer is what the demo HTTP backend replies, as JSON.
type Answer struct {
	Backend       string `json:"backend"`
	Method        string `json:"method"`
	Path          string `json:"path"`
	Query         string `json:"query,omitempty"`
	XForwardedFor string `json:"x_forwarded_for,omitempty"`
	User          string `json:"x_user,omitempty"`
	App           string `json:"app,omitempty"`
	RequestID     string `json:"request_id,omitempty"`
}

// Handler is the demo HTTP backend named name:
//
//	/healthz        200 "ok" (for active health checks)
//	/flaky...       fails with 503 three times out of four (for the circuit breaker)
//	/slow?d=2s      answers after d (for timeouts)
//	anything else   JSON saying which backend answered and what it received
func Handler(name string) http.Handler {
	var flaky atomic.Uint64
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/flaky/", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1)%4 != 0 {
			http.Error(w, "flaky backend "+name+": failing on purpose", http.StatusServiceUnavailable)
			return
		}
		answer(w, r, name)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d > time.Minute {
			d = 2 * time.Second
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		answer(w, r, name)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { answer(w, r, name) })
	return mux
}

func answer(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Backend", name)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Answer{
		Backend: name, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		XForwardedFor: r.Header.Get("X-Forwarded-For"), User: r.Header.Get("X-User"),
		App: r.Header.Get("X-Gateway-App"), RequestID: r.Header.Get("X-Request-Id"),
	}); err != nil {
		slog.Debug("demo backend: write answer", "err", err)
	}
}
