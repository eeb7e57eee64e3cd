// Package pipeline turns a route's middleware configuration into stage 07's middleware,
// in the order the gateway runs them, and keeps the state that must outlive a reload
// (rate-limit buckets, flow counters, the load-shedding budget, circuit state) in one
// Shared value.
package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/fallback"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/quota"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/redislimit"
	"gatewaylab/07-middleware/shed"
	"gatewaylab/09-final-gateway/config"
)

// Shared is the middleware state of a gateway process. It outlives reloads: a reload
// must not refill every rate-limit bucket or reset every counter.
type Shared struct {
	Logger  *slog.Logger
	Local   *ratelimit.Local     // local token buckets, every route's
	Stats   *flowcount.Stats     // request counts by service, app, route and in total
	Shedder *shed.Shedder        // the in-flight budget priorities share
	Redis   *redis.Client        // nil without cluster.redis
	Quota   quota.Counter        // apps' daily quotas: local, or cluster-wide on Redis
	Cal     quota.Calendar       // what "today" means for quotas and counters
	limits  [2]ratelimit.Limiter // cluster limiters by fail mode; nil without Redis
	// OnBreaker is told when a route's circuit changes state (metrics, logs).
	OnBreaker func(route string, from, to breaker.State)

	cacheMu sync.Mutex
	caches  map[string]*fallback.Cache
}

// Shedding capacity: requests in flight over all routes before low and normal routes
// are shed (core routes may use all of it).
const (
	DefaultShedCapacity = 10000
	normalShare         = 0.9
	lowShare            = 0.6
)

// NewShared makes the process-wide state for cfg's cluster settings.
func NewShared(cfg *config.Config, logger *slog.Logger) (*Shared, error) {
	if logger == nil {
		logger = slog.Default()
	}
	capacity := cfg.Shedding.MaxInFlight
	if capacity == 0 {
		capacity = DefaultShedCapacity
	}
	shedder, err := shed.NewShedder(shed.ShedderConfig{Capacity: capacity, NormalShare: normalShare, LowShare: lowShare})
	if err != nil {
		return nil, err
	}
	stats, err := flowcount.NewStats(flowcount.StatsConfig{})
	if err != nil {
		return nil, err
	}
	s := &Shared{
		Logger: logger, Local: ratelimit.NewLocal(ratelimit.LocalConfig{}), Stats: stats, Shedder: shedder,
	}
	s.Quota = quota.NewLocal(s.Cal, 0)
	if r := cfg.Cluster.Redis; r != nil {
		if err := s.connectRedis(r); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Shared) connectRedis(r *config.Redis) error {
	s.Redis = redis.NewClient(&redis.Options{
		Addr: r.Addr, Password: os.Getenv(r.PasswordEnv), DB: r.DB,
		ContextTimeoutEnabled: true, DialTimeout: time.Second,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
	})
	for i, mode := range []redislimit.FailMode{redislimit.FailOpen, redislimit.FailClosed} {
		l, err := redislimit.New(redislimit.Config{Client: s.Redis, FailMode: mode})
		if err != nil {
			return err
		}
		s.limits[i] = l
	}
	q, err := quota.NewRedis(quota.RedisConfig{Client: s.Redis, Calendar: s.Cal})
	if err != nil {
		return fmt.Errorf("redis quota: %w", err)
	}
	s.Quota = q
	return nil
}

// clusterLimiter returns the Redis limiter for a fail mode ("open" or "closed").
func (s *Shared) clusterLimiter(onError string) (ratelimit.Limiter, error) {
	if s.Redis == nil {
		return nil, fmt.Errorf("cluster scope needs cluster.redis")
	}
	if onError == "closed" {
		return s.limits[1], nil
	}
	return s.limits[0], nil
}

// Close releases the Redis connection.
func (s *Shared) Close() error {
	if s.Redis != nil {
		return s.Redis.Close()
	}
	return nil
}

// cache returns route's fallback cache, made on first use and kept across reloads.
func (s *Shared) cache(route string, ttl time.Duration) *fallback.Cache {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.caches == nil {
		s.caches = map[string]*fallback.Cache{}
	}
	if c, ok := s.caches[route]; ok {
		return c
	}
	c := fallback.NewCache(fallback.CacheConfig{MaxAge: ttl})
	s.caches[route] = c
	return c
}
