package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/registry/etcdreg"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/cluster"
	"gatewaylab/09-final-gateway/config"
)

// clusterMode is what a server does in distributed mode: its shared configuration
// lives in etcd, its counters in Redis.
type clusterMode struct {
	store   *cluster.Store
	lastRev int64 // revision of the shared configuration applied last
	reader  *flowcount.Reader
}

// etcdClient returns the etcd client, connecting on first use.
func (s *Server) etcdClient() (*clientv3.Client, error) {
	s.etcd.mu.Lock()
	defer s.etcd.mu.Unlock()
	if s.etcd.client != nil {
		return s.etcd.client, nil
	}
	e := s.file.Config.Cluster.Etcd
	cfg := etcdreg.ClientConfig(e.Endpoints)
	cfg.DialTimeout = e.DialTimeout.D()
	c, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to etcd %v: %w", e.Endpoints, err)
	}
	s.etcd.client = c
	return c, nil
}

// loadFromEtcd replaces f's shared part with the cluster's. The first instance of a
// cluster seeds etcd with its own file. When etcd cannot be reached, the instance
// starts from its file and reports etcd down; the watch brings it in line once etcd
// answers.
func (s *Server) loadFromEtcd(ctx context.Context, f *config.File) (*config.File, error) {
	client, err := s.etcdClient()
	if err != nil {
		return nil, err
	}
	e := f.Config.Cluster.Etcd
	s.cluster.store = cluster.NewStore(client, e.Prefix, s.logger)
	getCtx, cancel := context.WithTimeout(ctx, e.DialTimeout.D())
	defer cancel()
	sh, rev, ok, err := s.cluster.store.Get(getCtx)
	if err != nil {
		s.logger.Warn("etcd unreachable at start: serving the local file until it answers", "err", err)
		s.Metrics.SetDependencyUp("etcd", false)
		return f, nil
	}
	s.Metrics.SetDependencyUp("etcd", true)
	if !ok {
		rev, err = s.cluster.store.Put(getCtx, cluster.Split(f.Config), 0)
		if errors.Is(err, cluster.ErrConflict) { // another instance seeded it first
			return s.loadFromEtcd(ctx, f)
		}
		if err != nil {
			return nil, err
		}
		s.logger.Info("seeded the cluster configuration in etcd", "key", s.cluster.store.Key(), "revision", rev)
		s.cluster.lastRev = rev
		return f, nil
	}
	merged, err := s.mergeShared(f, sh, rev)
	if err != nil {
		return nil, fmt.Errorf("cluster configuration in etcd is invalid: %w", err)
	}
	s.cluster.lastRev = rev
	return merged, nil
}

// mergeShared validates the local file with sh as its shared part.
func (s *Server) mergeShared(local *config.File, sh cluster.Shared, rev int64) (*config.File, error) {
	merged := cluster.Merge(local.Config, sh)
	data, err := config.Marshal(merged)
	if err != nil {
		return nil, err
	}
	f, err := config.Parse(fmt.Sprintf("etcd %s@%d", s.cluster.store.Key(), rev), data)
	if err != nil {
		return nil, err
	}
	f.Name = local.Name // reloads of the local part still read the file
	return f, nil
}

// pingEtcd checks etcd every two seconds: a watch on an unreachable etcd just waits,
// so the dependency's health (readiness, gateway_dependency_up) needs its own probe.
func (s *Server) pingEtcd(ctx context.Context) {
	client, err := s.etcdClient()
	if err != nil {
		return
	}
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	wasUp := true
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := client.Get(pctx, s.cluster.store.Key(), clientv3.WithCountOnly())
		cancel()
		if ctx.Err() != nil {
			return
		}
		up := err == nil
		s.Metrics.SetDependencyUp("etcd", up)
		s.degraded("etcd", !up)
		if up != wasUp {
			if up {
				s.logger.Info("etcd reachable again")
			} else {
				s.logger.Warn("etcd unreachable: serving the last configuration; changes resume when it is back", "err", err)
			}
			wasUp = up
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// watchEtcd applies every change of the shared configuration until ctx ends. An
// invalid one is refused (logged, counted) and the last good one keeps serving.
func (s *Server) watchEtcd(ctx context.Context) {
	up := func(bool) {} // pingEtcd owns the dependency's health; a quiet watch proves nothing
	for u := range s.cluster.store.Watch(ctx, s.cluster.lastRev, up) {
		s.applyMu.Lock()
		if u.Rev > s.cluster.lastRev {
			s.applyShared(u)
		}
		s.applyMu.Unlock()
	}
}

func (s *Server) applyShared(u cluster.Update) {
	if u.Err != nil {
		s.Metrics.Reloaded("", u.Err)
		s.logger.Warn("cluster configuration refused; the current one keeps serving", "revision", u.Rev, "err", u.Err)
		return
	}
	f, err := s.mergeShared(s.file, u.Shared, u.Rev)
	if err == nil {
		err = s.Gateway.Reload(f)
	}
	if err != nil {
		s.Metrics.Reloaded("", err)
		s.logger.Warn("cluster configuration refused; the current one keeps serving", "revision", u.Rev, "err", err)
		return
	}
	s.cluster.lastRev = u.Rev
	s.logger.Info("applied the cluster configuration", "revision", u.Rev, "hash", s.Gateway.Snapshot().Hash)
}

// applyCluster is the admin API's Apply in cluster mode: the shared part is written to
// etcd with a compare-and-swap on the revision this instance applied last (no lost
// update), then applied here at once; the other instances get it from their watch.
func (s *Server) applyCluster(ctx context.Context, f *config.File) error {
	rev, err := s.cluster.store.Put(ctx, cluster.Split(f.Config), s.cluster.lastRev)
	if errors.Is(err, cluster.ErrConflict) {
		return admin.ErrConflict
	}
	if err != nil {
		return err
	}
	if err := s.Gateway.Reload(f); err != nil {
		return err
	}
	s.cluster.lastRev = rev
	return nil
}

// startCounters sends the flow counters to Redis every second, so that stats (and the
// dashboard's charts) cover every instance, and watches Redis's health.
func (s *Server) startCounters(ctx context.Context) error {
	rc := flowcount.RedisConfig{Client: s.Shared.Redis, Calendar: s.Shared.Cal}
	fl, err := flowcount.NewFlusher(flowcount.FlusherConfig{RedisConfig: rc, Stats: s.Shared.Stats, Logger: s.logger})
	if err != nil {
		return err
	}
	if s.cluster.reader, err = flowcount.NewReader(rc); err != nil {
		return err
	}
	s.wg.Go(func() { fl.Run(ctx) })
	s.wg.Go(func() { s.pingRedis(ctx) })
	return nil
}

// pingRedis keeps gateway_dependency_up{dependency="redis"} and readiness current.
func (s *Server) pingRedis(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	wasUp := true
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := s.Shared.Redis.Ping(pctx).Err()
		cancel()
		up := err == nil
		s.Metrics.SetDependencyUp("redis", up)
		s.degraded("redis", !up)
		if up != wasUp {
			if up {
				s.logger.Info("redis reachable again: cluster-wide limits enforced")
			} else {
				s.logger.Warn("redis unreachable: cluster limits apply their fail mode (open or closed)", "err", err)
			}
			wasUp = up
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
