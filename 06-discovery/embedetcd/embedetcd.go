// Package embedetcd runs a single-node etcd inside the current process, on loopback
// ports, for demos and tests: nothing to install, nothing left running. It is not a way
// to run etcd in production (one node, fsync off); point the gateway at a real cluster.
//
// Stop and Restart keep the ports and the data directory, so clients configured with
// the endpoints reconnect after a restart and find their data, leases and revisions as
// a real etcd restart would leave them.
package embedetcd

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Config configures a Server. Only Dir is required.
type Config struct {
	// Dir is the data directory; it is created if missing. Restart reuses it.
	Dir string
	// ClientPort and PeerPort are the loopback ports to listen on; 0 picks free ones.
	ClientPort, PeerPort int
	// LogLevel, if set, sends etcd's own log at that zap level ("debug", "info",
	// "warn", "error") to stderr. Empty means silent: even at "error", etcd logs
	// every normal shutdown as a failed listener, which would bury a demo's output.
	// Failures to start are returned by Start either way.
	LogLevel string
	// StartTimeout bounds how long the server may take to become ready; 0 means 15 s.
	StartTimeout time.Duration
}

// Server is a running (or stopped) embedded etcd.
type Server struct {
	cfg       Config
	clientURL url.URL
	peerURL   url.URL

	mu   sync.Mutex
	etcd *embed.Etcd // nil while stopped
}

// ErrStartTimeout is wrapped when etcd did not become ready within StartTimeout.
var ErrStartTimeout = errors.New("etcd did not become ready")

// Start starts etcd and returns once it serves clients. When it picks free ports and one
// is taken between the pick and the bind, it tries fresh ports a few times.
func Start(cfg Config) (*Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("embedetcd: no data directory")
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 15 * time.Second
	}
	tries := 1
	if cfg.ClientPort == 0 || cfg.PeerPort == 0 {
		tries = 5
	}
	var err error
	for range tries {
		s := &Server{cfg: cfg}
		if err = s.pickPorts(); err != nil {
			return nil, err
		}
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func (s *Server) pickPorts() error {
	ports := []*int{&s.cfg.ClientPort, &s.cfg.PeerPort}
	for _, p := range ports {
		if *p != 0 {
			continue
		}
		free, err := freePort()
		if err != nil {
			return fmt.Errorf("embedetcd: find a free port: %w", err)
		}
		*p = free
	}
	s.clientURL = loopbackURL(s.cfg.ClientPort)
	s.peerURL = loopbackURL(s.cfg.PeerPort)
	return nil
}

func loopbackURL(port int) url.URL {
	return url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
}

// Endpoints returns the client URLs, for clientv3.Config.Endpoints.
func (s *Server) Endpoints() []string { return []string{s.clientURL.String()} }

// Dir returns the data directory.
func (s *Server) Dir() string { return s.cfg.Dir }

// Stop shuts etcd down and waits until it has released its ports. Stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etcd == nil {
		return
	}
	s.etcd.Close() // blocks until the server, its listeners and goroutines are gone
	s.etcd = nil
}

// Restart stops etcd (if running) and starts it again on the same ports and data.
func (s *Server) Restart() error {
	s.Stop()
	return s.start()
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etcd != nil {
		return errors.New("embedetcd: already running")
	}
	e, err := embed.StartEtcd(s.embedConfig())
	if err != nil {
		return fmt.Errorf("embedetcd: start on %s: %w", s.clientURL.Host, err)
	}
	timer := time.NewTimer(s.cfg.StartTimeout)
	defer timer.Stop()
	select {
	case <-e.Server.ReadyNotify():
		s.etcd = e
		return nil
	case err := <-e.Err():
		e.Close()
		return fmt.Errorf("embedetcd: serve on %s: %w", s.clientURL.Host, err)
	case <-timer.C:
		e.Close()
		return fmt.Errorf("embedetcd: after %v: %w", s.cfg.StartTimeout, ErrStartTimeout)
	}
}

// embedConfig is a one-member cluster on loopback, tuned to start and elect itself
// fast. fsync is off: the data survives a Stop/Restart of this process's server (what
// demos and tests need), not a power cut.
func (s *Server) embedConfig() *embed.Config {
	cfg := embed.NewConfig()
	cfg.Name = "gatewaylab"
	cfg.Dir = s.cfg.Dir
	cfg.ListenClientUrls = []url.URL{s.clientURL}
	cfg.AdvertiseClientUrls = []url.URL{s.clientURL}
	cfg.ListenPeerUrls = []url.URL{s.peerURL}
	cfg.AdvertisePeerUrls = []url.URL{s.peerURL}
	cfg.InitialCluster = cfg.Name + "=" + s.peerURL.String()
	if s.cfg.LogLevel == "" {
		cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	} else {
		cfg.LogLevel = s.cfg.LogLevel
		cfg.LogOutputs = []string{"stderr"}
	}
	cfg.TickMs = 50
	cfg.ElectionMs = 500
	cfg.UnsafeNoFsync = true
	cfg.EnableGRPCGateway = false
	return cfg
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}
