package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/config"
)

// fakeBackend is an in-memory gateway: Apply validates with the real config.Parse, as
// the server's backend does, and keeps the result.
type fakeBackend struct {
	mu      sync.Mutex
	cfg     *config.Config
	version string
	applied int
	// beforeApply, when set, runs at the start of Apply (to change the config under a
	// writer's feet).
	beforeApply func()
	reloadErr   error
	hourly      map[string][24]int64
	stats       admin.Stats
	tokens      []string // apps tokens were issued for
}

var _ admin.Backend = (*fakeBackend)(nil)

// baseYAML is the configuration the API tests start from.
const baseYAML = `
admin:
  listen: 127.0.0.1:0
listeners:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
auth:
  jwt:
    keys:
      - id: k1
        algorithm: HS256
        generate: true
services:
  - name: hello
    targets:
      - addr: 127.0.0.1:9001
  - name: orders
    targets:
      - addr: 127.0.0.1:9002
        weight: 3
      - addr: 127.0.0.1:9003
    balancer:
      policy: weighted_round_robin
  - name: spare
    targets:
      - addr: 127.0.0.1:9004
routes:
  - name: hello
    path_prefix: /hello
    service: hello
  - name: orders
    path_prefix: /orders
    service: orders
    middleware:
      auth:
        apps:
          allow: [acme]
apps:
  - id: acme
    name: Acme Corp
    secret_hash: sha256:0000000000000000000000000000000000000000000000000000000000000000
    qps: 5
    daily_quota: 1000
  - id: globex
    secret_hash: sha256:1111111111111111111111111111111111111111111111111111111111111111
`

func newFake(tb testing.TB) *fakeBackend {
	tb.Helper()
	fb, err := startFake()
	if err != nil {
		tb.Fatal(err)
	}
	return fb
}

func startFake() (*fakeBackend, error) {
	f, err := config.Parse("test.yaml", []byte(baseYAML))
	if err != nil {
		return nil, err
	}
	fb := &fakeBackend{hourly: map[string][24]int64{}}
	fb.store(f.Config)
	return fb, nil
}

// store makes cfg current. fb.mu is held or not yet shared.
func (f *fakeBackend) store(cfg *config.Config) {
	data, err := config.Marshal(cfg)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(data)
	f.cfg, f.version = cfg, hex.EncodeToString(sum[:8])
}

func (f *fakeBackend) Config() (*config.Config, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg, f.version
}

func (f *fakeBackend) Apply(ctx context.Context, cfg *config.Config, ifVersion string) (string, error) {
	if hook := f.beforeApply; hook != nil {
		f.beforeApply = nil
		hook()
	}
	data, err := config.Marshal(cfg)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ifVersion != "" && ifVersion != f.version {
		return f.version, admin.ErrConflict
	}
	parsed, err := config.Parse("admin change", data)
	if err != nil {
		return "", err
	}
	f.store(parsed.Config)
	f.applied++
	return f.version, nil
}

// applies is how many changes were applied.
func (f *fakeBackend) applies() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

// bump makes an unrelated change, as another admin would.
func (f *fakeBackend) bump(tb testing.TB) {
	tb.Helper()
	cfg, v := f.Config()
	next := *cfg
	next.Log.Level = map[string]string{"info": "debug", "debug": "info"}[cfg.Log.Level]
	if _, err := f.Apply(tb.Context(), &next, v); err != nil {
		tb.Fatal(err)
	}
}

func (f *fakeBackend) Reload(ctx context.Context) (string, error) {
	if f.reloadErr != nil {
		return "", f.reloadErr
	}
	_, v := f.Config()
	return v, nil
}

func (f *fakeBackend) Health() []admin.ServiceHealth {
	cfg, _ := f.Config()
	var out []admin.ServiceHealth
	for _, s := range cfg.Services {
		h := admin.ServiceHealth{Service: s.Name, Policy: s.Balancer.Policy}
		for i, t := range s.Targets {
			h.Targets = append(h.Targets, admin.TargetHealth{Addr: t.Addr, Weight: t.Weight, Healthy: i == 0})
		}
		out = append(out, h)
	}
	return out
}

func (f *fakeBackend) Stats(ctx context.Context) (admin.Stats, error) { return f.stats, nil }

func (f *fakeBackend) Hourly(ctx context.Context, counter string) ([24]int64, [24]int64, error) {
	if counter == "service:broken" {
		return [24]int64{}, [24]int64{}, errors.New("redis is down")
	}
	return f.hourly[counter], [24]int64{}, nil
}

func (f *fakeBackend) IssueToken(appID string) (string, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = append(f.tokens, appID)
	return fmt.Sprintf("token-for-%s", appID), time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), nil
}

func (f *fakeBackend) Instances(ctx context.Context) ([]admin.Instance, error) {
	_, v := f.Config()
	return []admin.Instance{{ID: "gw-1", Admin: "127.0.0.1:9901", Version: v}}, nil
}

func (f *fakeBackend) Ready() bool { return true }
