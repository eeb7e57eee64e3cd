// Package cluster keeps the shared part of the gateway's configuration in etcd, so that
// a cluster of stateless gateway instances serves one configuration: services, routes,
// apps and API keys live under one etcd key; listeners, admin and cluster settings stay
// in each instance's own file (they describe the machine, not the service).
//
// Every instance watches the key and applies each new value as a hot reload; any
// instance's admin API writes it with a compare-and-swap on the key's revision, so two
// admins writing at once cannot lose an update. When etcd is unreachable, instances keep
// serving the last configuration they applied and report the dependency down; the watch
// resumes from the last revision when etcd is back, so no change is missed.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.yaml.in/yaml/v3"

	"gatewaylab/09-final-gateway/config"
)

// Shared is the part of a configuration a cluster shares.
type Shared struct {
	Services []config.Service `yaml:"services"`
	Routes   []config.Route   `yaml:"routes"`
	Apps     []config.App     `yaml:"apps"`
	APIKeys  []config.APIKey  `yaml:"api_keys"`
}

// Split takes the shared part out of c.
func Split(c *config.Config) Shared {
	return Shared{Services: c.Services, Routes: c.Routes, Apps: c.Apps, APIKeys: c.Auth.APIKeys}
}

// Merge returns local with its shared part replaced by sh.
func Merge(local *config.Config, sh Shared) *config.Config {
	c := *local
	c.Services, c.Routes, c.Apps = sh.Services, sh.Routes, sh.Apps
	c.Auth.APIKeys = sh.APIKeys
	return &c
}

// ErrConflict means the key changed since the revision the writer read.
var ErrConflict = errors.New("cluster configuration changed since it was read")

// Store reads, writes and watches the shared configuration in etcd.
type Store struct {
	client *clientv3.Client
	key    string
	logger *slog.Logger
}

// NewStore returns a Store for the key "<prefix>/config".
func NewStore(client *clientv3.Client, prefix string, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.Default()
	}
	return &Store{client: client, key: prefix + "/config", logger: logger}
}

// Key is the etcd key holding the shared configuration.
func (s *Store) Key() string { return s.key }

// Get returns the shared configuration and its revision (ModRevision); ok is false when
// the key does not exist yet.
func (s *Store) Get(ctx context.Context) (sh Shared, rev int64, ok bool, err error) {
	res, err := s.client.Get(ctx, s.key)
	if err != nil {
		return Shared{}, 0, false, fmt.Errorf("etcd get %s: %w", s.key, err)
	}
	if len(res.Kvs) == 0 {
		return Shared{}, 0, false, nil
	}
	kv := res.Kvs[0]
	if err := yaml.Unmarshal(kv.Value, &sh); err != nil {
		return Shared{}, kv.ModRevision, true, fmt.Errorf("etcd %s: %w", s.key, err)
	}
	return sh, kv.ModRevision, true, nil
}

// Put writes sh if the key's revision is still ifRev (0: only if the key does not exist
// yet). It returns the new revision, or ErrConflict.
func (s *Store) Put(ctx context.Context, sh Shared, ifRev int64) (int64, error) {
	data, err := yaml.Marshal(sh)
	if err != nil {
		return 0, err
	}
	res, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(s.key), "=", ifRev)).
		Then(clientv3.OpPut(s.key, string(data))).
		Commit()
	if err != nil {
		return 0, fmt.Errorf("etcd put %s: %w", s.key, err)
	}
	if !res.Succeeded {
		return 0, ErrConflict
	}
	return res.Header.Revision, nil
}

// Update is one new value of the key, as the watch delivers it.
type Update struct {
	Shared Shared
	Rev    int64
	Err    error // the value could not be decoded
}

// Watch delivers every new value of the key after fromRev until ctx ends. It rides out
// etcd outages: the watch is re-established from the last revision seen (so no change
// is skipped), and after a compaction it reads the current value. up is told whether
// etcd is reachable, for readiness and metrics.
func (s *Store) Watch(ctx context.Context, fromRev int64, up func(bool)) <-chan Update {
	out := make(chan Update)
	go func() {
		defer close(out)
		rev := fromRev
		for ctx.Err() == nil {
			rev = s.watchOnce(ctx, rev, out, up)
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond): // back off before re-watching
			}
		}
	}()
	return out
}

// watchOnce runs one watch until it breaks, and returns the last revision delivered.
func (s *Store) watchOnce(ctx context.Context, rev int64, out chan<- Update, up func(bool)) int64 {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	ch := s.client.Watch(wctx, s.key, clientv3.WithRev(rev+1))
	for resp := range ch {
		if resp.CompactRevision > 0 { // the history after rev is gone: read the value now
			return s.resync(ctx, rev, out)
		}
		if err := resp.Err(); err != nil {
			up(false)
			s.logger.Warn("etcd config watch broken; serving the last configuration", "err", err)
			return rev
		}
		up(true)
		for _, ev := range resp.Events {
			if ev.Type != clientv3.EventTypePut || ev.Kv.ModRevision <= rev {
				continue
			}
			var sh Shared
			err := yaml.Unmarshal(ev.Kv.Value, &sh)
			rev = ev.Kv.ModRevision
			if !send(ctx, out, Update{Shared: sh, Rev: rev, Err: err}) {
				return rev
			}
		}
	}
	up(false)
	return rev
}

// resync reads the current value after the history the watch needed was compacted.
func (s *Store) resync(ctx context.Context, rev int64, out chan<- Update) int64 {
	sh, cur, ok, err := s.Get(ctx)
	if err != nil || !ok || cur <= rev {
		return max(rev, cur)
	}
	send(ctx, out, Update{Shared: sh, Rev: cur})
	return cur
}

func send(ctx context.Context, out chan<- Update, u Update) bool {
	select {
	case out <- u:
		return true
	case <-ctx.Done():
		return false
	}
}
