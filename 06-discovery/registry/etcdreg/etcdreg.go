// Package etcdreg is a registry.Registry on etcd (go.etcd.io/etcd/client/v3), for a
// gateway fleet: backends register themselves with a lease, every gateway watches.
//
// # Key layout
//
//	<prefix>/services/<service>/<addr>  =  {"addr":"10.0.0.1:8080","weight":1,"metadata":{...}}
//
// for example /gatewaylab/services/api/10.0.0.1:8080. The instance's address is its id,
// so a backend that restarts on the same address overwrites its own entry.
//
// # Liveness: leases are ZooKeeper's ephemeral nodes
//
// The course registered a backend as a ZooKeeper ephemeral node, which lives exactly as
// long as the session that created it. etcd has no sessions; it has leases. Register
// grants a lease with the TTL, puts the key attached to it and renews the lease (gRPC
// keepalive stream, every TTL/3) until its context ends, then revokes the lease, which
// deletes the key at once. If the backend dies without revoking, renewals stop and etcd
// deletes the key when the lease expires: the ephemeral node's behaviour, with the TTL
// in place of the session timeout. Leases are kept across an etcd restart (their
// expiry is pushed back by a full TTL), and if a lease is lost anyway, Register grants
// a new one and puts the key again.
//
// # Watching without missing or repeating a change
//
// Watch reads the current set with one Get (which also returns the store revision R),
// then watches the prefix from revision R+1, so no write between the Get and the watch
// is missed. Every event carries its revision; after an interruption (etcd restart,
// lost leader, network) the watch resumes from the last revision seen plus one, so no
// event is seen twice either. If etcd has compacted its history past that revision
// (ErrCompacted), the events are gone for good, and the watcher lists the prefix again
// and starts over from the new revision. The consumer receives complete sets in every
// case, and only sets that differ from the last one it got.
package etcdreg

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	grpcbackoff "google.golang.org/grpc/backoff"

	"gatewaylab/06-discovery/registry"
)

// Config configures a Registry. Only Client is required.
type Config struct {
	// Client is the etcd client; the caller owns it and closes it after every Register
	// and Watch using it has ended.
	Client *clientv3.Client
	// Prefix is the root of the key layout, starting with "/" and not ending with one;
	// empty means DefaultPrefix. Gateways and backends must agree on it.
	Prefix string
	// RevokeTimeout bounds the lease revocation when a registration ends; 0 means 2 s.
	// If etcd cannot be reached, the lease expires on its own after its TTL.
	RevokeTimeout time.Duration
	// Logger receives retried failures (a lost lease, a broken watch); nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultPrefix is the root key of the registry.
const DefaultPrefix = "/gatewaylab"

// ErrClientClosed is returned by Register when its etcd client was closed: there is
// nothing left to retry with.
var ErrClientClosed = errors.New("etcd client closed")

// Registry is a registry.Registry backed by etcd. It is safe for concurrent use.
type Registry struct {
	client        *clientv3.Client
	prefix        string
	revokeTimeout time.Duration
	log           *slog.Logger
}

var _ registry.Registry = (*Registry)(nil)

// New returns a Registry using cfg.Client.
func New(cfg Config) (*Registry, error) {
	if cfg.Client == nil {
		return nil, errors.New("etcdreg: no etcd client")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if !strings.HasPrefix(cfg.Prefix, "/") || strings.HasSuffix(cfg.Prefix, "/") {
		return nil, fmt.Errorf("etcdreg: prefix %q must start with / and not end with one", cfg.Prefix)
	}
	if cfg.RevokeTimeout == 0 {
		cfg.RevokeTimeout = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Registry{client: cfg.Client, prefix: cfg.Prefix, revokeTimeout: cfg.RevokeTimeout, log: cfg.Logger}, nil
}

// ServicePrefix returns the key prefix under which service's instances live, ending in
// "/" so that service "api" does not also match "api-v2".
func (r *Registry) ServicePrefix(service string) string {
	return r.prefix + "/services/" + service + "/"
}

// Key returns the key of one instance.
func (r *Registry) Key(service, addr string) string { return r.ServicePrefix(service) + addr }

// ClientConfig returns a client configuration suited to registries: it reconnects
// within about a second after an etcd restart (gRPC's default backoff grows to two
// minutes), and the client's own logging is off (this package logs what matters
// through slog).
func ClientConfig(endpoints []string) clientv3.Config {
	return clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           grpcbackoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
			MinConnectTimeout: time.Second,
		})},
	}
}
