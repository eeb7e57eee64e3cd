package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/config"
)

// Admin is the admin listener: /healthz, /readyz and /metrics for probes and Prometheus,
// and the admin API and dashboard (token protected) for people.
type Admin struct {
	srv  *http.Server
	addr string
}

// Addr is where the admin listener is bound.
func (a *Admin) Addr() string { return a.addr }

func startAdmin(s *Server, ac config.Admin, token string) (*Admin, error) {
	if token == "" {
		return nil, errors.New("admin: no token (set " + ac.TokenEnv + ")")
	}
	api, err := admin.New(admin.Options{Backend: &backend{s: s}, Token: token, Logger: s.logger})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if down := s.Degraded(); len(down) > 0 {
			fmt.Fprintf(w, "ready, degraded: %s unreachable\n", strings.Join(down, ", "))
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", s.Metrics.Handler())
	mux.Handle("/", api)
	srv := httpserver.New(httpserver.Config{WriteTimeout: 60 * time.Second}, mux, s.logger)
	ln, err := net.Listen("tcp", ac.Listen)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("admin listener stopped", "err", err)
		}
	}()
	s.logger.Info("admin listening", "addr", ln.Addr().String())
	return &Admin{srv: srv, addr: ln.Addr().String()}, nil
}

// Shutdown drains the admin listener.
func (a *Admin) Shutdown(ctx context.Context) error { return a.srv.Shutdown(ctx) }
