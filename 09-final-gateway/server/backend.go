package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/pipeline"
)

// backend lets the admin API manage the server. Changes are serialised by the
// server's applyMu: read version, validate, swap, persist, one at a time.
type backend struct {
	s *Server
}

var _ admin.Backend = (*backend)(nil)

func (b *backend) Config() (*config.Config, string) {
	snap := b.s.Gateway.Snapshot()
	return snap.File.Config, snap.Hash
}

// Apply validates cfg exactly as a file is validated (it is marshalled and parsed
// again), reloads the gateway with it, and writes it to the persistence file
// atomically (a temporary file renamed over the old one).
func (b *backend) Apply(ctx context.Context, cfg *config.Config, ifVersion string) (string, error) {
	b.s.applyMu.Lock()
	defer b.s.applyMu.Unlock()
	current := b.s.Gateway.Snapshot()
	if ifVersion != "" && ifVersion != current.Hash {
		return current.Hash, admin.ErrConflict
	}
	data, err := config.Marshal(cfg)
	if err != nil {
		return "", err
	}
	f, err := config.Parse(b.source(), data)
	if err != nil {
		return "", err
	}
	if b.s.cluster.store != nil {
		if err := b.s.applyCluster(ctx, f); err != nil {
			return "", err
		}
		return b.s.Gateway.Snapshot().Hash, nil
	}
	if err := b.s.Gateway.Reload(f); err != nil {
		return "", err
	}
	if err := b.persist(data); err != nil {
		b.s.logger.Error("admin change applied but not saved", "err", err)
		return b.s.Gateway.Snapshot().Hash, fmt.Errorf("applied, but not saved: %w", err)
	}
	return b.s.Gateway.Snapshot().Hash, nil
}

// Reload re-reads the configuration file and applies it.
func (b *backend) Reload(ctx context.Context) (string, error) {
	b.s.applyMu.Lock()
	defer b.s.applyMu.Unlock()
	return b.s.ReloadFile()
}

// source is the name validation errors use for admin changes.
func (b *backend) source() string { return "admin change" }

// persist writes data to the configured persistence file, if any.
func (b *backend) persist(data []byte) error {
	path := b.s.persistPath()
	if path == "" {
		return nil
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to a temporary file beside path and renames it over path,
// so that a crash leaves either the old file or the new one, never half of each.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("persist config: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("persist config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("persist config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("persist config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("persist config: %w", err)
	}
	return nil
}

func (b *backend) Health() []admin.ServiceHealth {
	snap := b.s.Gateway.Snapshot()
	var out []admin.ServiceHealth
	for _, sc := range snap.File.Config.Services {
		out = append(out, b.s.serviceHealth(sc))
	}
	return out
}

func (b *backend) Stats(ctx context.Context) (admin.Stats, error) {
	st := admin.Stats{Services: map[string]admin.Counter{}, Apps: map[string]admin.Counter{},
		Routes: map[string]admin.Counter{}, ClusterWide: false}
	reader := b.s.cluster.reader
	st.ClusterWide = reader != nil
	st.Errors = &admin.Counter{} // counted from the first 5xx on; zero until then
	for _, c := range b.s.Shared.Stats.Snapshot() {
		v := admin.Counter{Total: c.Total, Today: c.Today, QPS: c.QPS}
		if reader != nil { // today's count of every instance, from Redis
			if day, err := reader.Day(ctx, c.Name, time.Now()); err == nil {
				v.Today = day
			}
		}
		kind, name, _ := strings.Cut(c.Name, ":")
		switch kind {
		case "total":
			st.Total = v
		case "errors":
			st.Errors = &v
		case "service":
			st.Services[name] = v
		case "app":
			st.Apps[name] = v
		case "route":
			st.Routes[name] = v
		}
	}
	return st, nil
}

func (b *backend) Hourly(ctx context.Context, counter string) ([24]int64, [24]int64, error) {
	if r := b.s.cluster.reader; r != nil {
		return r.TodayAndYesterday(ctx, counter)
	}
	return b.s.hourly.Series(counter, time.Now())
}

func (b *backend) IssueToken(appID string) (string, time.Time, error) {
	builder, ok := b.s.Gateway.Snapshot().Pipeline().(*pipeline.Builder)
	if !ok {
		return "", time.Time{}, errors.New("no token issuer")
	}
	return builder.IssueToken(appID)
}

func (b *backend) Instances(ctx context.Context) ([]admin.Instance, error) {
	if b.s.cluster.store != nil {
		return b.s.instances(ctx)
	}
	addr := ""
	if b.s.Admin != nil {
		addr = b.s.Admin.Addr()
	}
	return []admin.Instance{{ID: b.s.id, Admin: addr, Version: b.s.Gateway.Snapshot().Hash, Started: b.s.started}}, nil
}

func (b *backend) Ready() bool { return b.s.Ready() }
