package health_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	grpchealth "google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"gatewaylab/06-discovery/health"
)

// seen is what the backend recorded about the probe request.
type seen struct{ host, path, agent string }

func startHTTP(t *testing.T, status int, body string) (addr string, got <-chan seen) {
	t.Helper()
	ch := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- seen{r.Host, r.URL.RequestURI(), r.UserAgent()}
		if status/100 == 3 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), ch
}

func TestHTTPProbe(t *testing.T) {
	tests := []struct {
		name    string
		cfg     health.HTTPConfig
		status  int
		body    string
		wantErr error
	}{
		{"200 passes by default", health.HTTPConfig{}, 200, "", nil},
		{"302 passes by default and is not followed", health.HTTPConfig{}, 302, "", nil},
		{"500 fails", health.HTTPConfig{}, 500, "", health.ErrUnexpectedStatus},
		{"204 outside an explicit set fails", health.HTTPConfig{Expect: health.StatusRanges{{200, 200}}}, 204, "", health.ErrUnexpectedStatus},
		{"503 inside an explicit set passes", health.HTTPConfig{Expect: health.StatusRanges{{503, 503}}}, 503, "", nil},
		{"body match passes", health.HTTPConfig{BodyContains: `"status":"up"`}, 200, `{"status":"up"}`, nil},
		{"body mismatch fails", health.HTTPConfig{BodyContains: `"status":"up"`}, 200, `{"status":"down"}`, health.ErrBodyMismatch},
		{"match beyond MaxBody fails", health.HTTPConfig{BodyContains: "up", MaxBody: 4}, 200, "....up", health.ErrBodyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := startHTTP(t, tt.status, tt.body)
			p, err := health.HTTP(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Probe(t.Context(), addr)
			if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Probe = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestHTTPProbeSendsPathAndHost(t *testing.T) {
	addr, got := startHTTP(t, 200, "")
	p, err := health.HTTP(health.HTTPConfig{Path: "/healthz?full=1", Host: "api.internal"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Probe(t.Context(), addr); err != nil {
		t.Fatal(err)
	}
	s := <-got
	if s.host != "api.internal" || s.path != "/healthz?full=1" || !strings.HasPrefix(s.agent, "gatewaylab-health/") {
		t.Errorf("backend saw %+v, want host api.internal, path /healthz?full=1, our user agent", s)
	}
}

func TestHTTPSProbe(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	trusting, err := health.HTTP(health.HTTPConfig{Scheme: "https", TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig})
	if err != nil {
		t.Fatal(err)
	}
	if err := trusting.Probe(t.Context(), addr); err != nil {
		t.Errorf("probe with the test CA = %v, want pass", err)
	}
	untrusting, err := health.HTTP(health.HTTPConfig{Scheme: "https", TLS: &tls.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := untrusting.Probe(t.Context(), addr); err == nil {
		t.Error("probe without the test CA passed, want a certificate error")
	}
}

func TestHTTPProbeUsesNewConnectionEachTime(t *testing.T) {
	conns := make(chan string, 4)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns <- c.RemoteAddr().String()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	p, err := health.HTTP(health.HTTPConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := p.Probe(t.Context(), srv.Listener.Addr().String()); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := <-conns, <-conns; a == b {
		t.Errorf("both probes came from %s: the connection was reused", a)
	}
}

func TestHTTPProbeFailures(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		p, _ := health.HTTP(health.HTTPConfig{})
		if err := p.Probe(t.Context(), closedPort(t)); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Probe = %v, want connection refused", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })
		p, _ := health.HTTP(health.HTTPConfig{})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		if err := p.Probe(ctx, srv.Listener.Addr().String()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Probe = %v, want deadline exceeded", err)
		}
	})
}

func TestHTTPConfigRejected(t *testing.T) {
	for _, cfg := range []health.HTTPConfig{{Scheme: "ftp"}, {Path: "healthz"}, {MaxBody: -1}} {
		if _, err := health.HTTP(cfg); !errors.Is(err, health.ErrInvalidConfig) {
			t.Errorf("HTTP(%+v) = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}

func TestTCPProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
			close(accepted)
		}
	}()
	if err := health.TCP().Probe(t.Context(), ln.Addr().String()); err != nil {
		t.Fatalf("Probe of a listening port = %v", err)
	}
	<-accepted
	if err := health.TCP().Probe(t.Context(), closedPort(t)); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Probe of a closed port = %v, want connection refused", err)
	}
}

func TestGRPCProbe(t *testing.T) {
	hs := grpchealth.NewServer()
	hs.SetServingStatus("orders", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus("billing", healthpb.HealthCheckResponse_NOT_SERVING)
	addr := startGRPC(t, hs)
	tests := []struct {
		service string
		pass    bool
	}{
		{"", true}, // the server as a whole
		{"orders", true},
		{"billing", false},
		{"unknown", false},
	}
	for _, tt := range tests {
		t.Run("service "+tt.service, func(t *testing.T) {
			err := health.GRPC(health.GRPCConfig{Service: tt.service}).Probe(t.Context(), addr)
			if (err == nil) != tt.pass {
				t.Errorf("Probe = %v, want pass=%v", err, tt.pass)
			}
		})
	}
	t.Run("not serving wraps ErrNotServing", func(t *testing.T) {
		err := health.GRPC(health.GRPCConfig{Service: "billing"}).Probe(t.Context(), addr)
		if !errors.Is(err, health.ErrNotServing) {
			t.Errorf("Probe = %v, want ErrNotServing", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		if err := health.GRPC(health.GRPCConfig{}).Probe(ctx, closedPort(t)); err == nil {
			t.Error("Probe of a closed port passed")
		}
	})
}

func startGRPC(t *testing.T, hs *grpchealth.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil {
			t.Errorf("grpc Serve: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Stop(); <-done })
	return ln.Addr().String()
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
