package embedetcd_test

import (
	"context"
	"net"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/embedetcd"
	"gatewaylab/06-discovery/registry/etcdreg"
)

func start(t *testing.T, cfg embedetcd.Config) *embedetcd.Server {
	t.Helper()
	s, err := embedetcd.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func client(t *testing.T, s *embedetcd.Server) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(etcdreg.ClientConfig(s.Endpoints()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRestartKeepsPortsAndData(t *testing.T) {
	s := start(t, embedetcd.Config{Dir: t.TempDir()})
	c := client(t, s)
	put, err := c.Put(t.Context(), "k", "v")
	if err != nil {
		t.Fatal(err)
	}
	endpoints := s.Endpoints()[0]

	s.Stop()
	s.Stop() // a second Stop is harmless
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, "k"); err == nil {
		t.Fatal("Get succeeded while etcd was stopped")
	}

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := s.Endpoints()[0]; got != endpoints {
		t.Errorf("endpoint after restart = %s, want %s", got, endpoints)
	}
	resp, err := c.Get(t.Context(), "k") // the same client reconnects
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("Get after restart = %v, %v; want k=v", resp, err)
	}
	if resp.Header.Revision != put.Header.Revision {
		t.Errorf("revision after restart = %d, want %d", resp.Header.Revision, put.Header.Revision)
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := embedetcd.Start(embedetcd.Config{}); err == nil {
		t.Error("Start without a data directory succeeded")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	if s, err := embedetcd.Start(embedetcd.Config{Dir: t.TempDir(), ClientPort: taken, PeerPort: 0}); err == nil {
		s.Stop()
		t.Errorf("Start on a taken client port %d succeeded", taken)
	}
}
