// Package etcdtest runs a real etcd for the length of a test, the way net/http/httptest
// runs a real HTTP server: in-process (package embedetcd), on free loopback ports, with
// its data in t.TempDir(), stopped in t.Cleanup. Nothing needs to be installed, so CI
// runs these tests everywhere. Stop and Restart keep ports and data, for tests of what
// happens when etcd goes away and comes back; Link puts a connection you can cut
// between a client and the server.
package etcdtest

import (
	"context"
	"errors"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/embedetcd"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// Server is a running etcd owned by one test.
type Server struct {
	tb  testing.TB
	srv *embedetcd.Server
}

// Start starts etcd and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	srv, err := embedetcd.Start(embedetcd.Config{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("start etcd: %v", err)
	}
	tb.Cleanup(srv.Stop)
	return &Server{tb: tb, srv: srv}
}

// Endpoints returns the client URLs.
func (s *Server) Endpoints() []string { return s.srv.Endpoints() }

// Stop shuts etcd down, as a crash of the etcd process would look to clients.
func (s *Server) Stop() { s.srv.Stop() }

// Restart stops etcd if it runs and starts it again on the same ports and data.
func (s *Server) Restart() {
	s.tb.Helper()
	if err := s.srv.Restart(); err != nil {
		s.tb.Fatalf("restart etcd: %v", err)
	}
}

// Client returns a client of the server (etcdreg.ClientConfig: quick reconnects, no
// client logging), closed when the test ends.
func (s *Server) Client(tb testing.TB) *clientv3.Client {
	tb.Helper()
	return NewClient(tb, s.Endpoints())
}

// NewClient returns a client of endpoints, closed when the test ends.
func NewClient(tb testing.TB, endpoints []string) *clientv3.Client {
	tb.Helper()
	c, err := clientv3.New(etcdreg.ClientConfig(endpoints))
	if err != nil {
		tb.Fatalf("etcd client: %v", err)
	}
	tb.Cleanup(func() {
		// A test may have closed it already (to simulate a crash); then Close says
		// context.Canceled, which is no news.
		if err := c.Close(); err != nil && !errors.Is(err, context.Canceled) {
			tb.Logf("close etcd client: %v", err)
		}
	})
	return c
}
