// Package cluster_test runs three real gateway processes against a real etcd and a real
// redis-server and checks that they behave as one gateway (issue #10): a change made on
// one instance is served by all, a global rate limit and an app's daily quota hold
// across instances, and an etcd or Redis outage degrades the cluster the way it is
// configured to, without failing requests it should not fail.
package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/06-discovery/etcdtest"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
	"gatewaylab/07-middleware/secret"
)

const appSecret = "cluster-e2e-app-secret"

func localConfig(etcd, redis, backend string) string {
	return fmt.Sprintf(`
admin: {listen: "%%ADMIN%%"}
listeners: [{name: web, protocol: http, listen: "%%WEB%%"}]
cluster:
  etcd: {endpoints: [%q], prefix: /e2e, dial_timeout: 2s}
  redis: {addr: %q}
auth:
  jwt:
    keys: [{id: shared, algorithm: HS256, secret_env: GATEWAY_JWT_SECRET}]
apps: [{id: tenant, secret_hash: %q, qps: 1000, daily_quota: 20}]
services: [{name: backend, targets: [{addr: %q}]}]
routes:
  - {name: limited, path_prefix: /limited, service: backend,
     middleware: {rate_limits: [{key: route, rate: 100, burst: 10, scope: cluster}]}}
  - {name: open, path_prefix: /open, service: backend,
     middleware: {rate_limits: [{key: route, rate: 1, burst: 1, scope: cluster, on_redis_error: open}]}}
  - {name: closed, path_prefix: /closed, service: backend,
     middleware: {rate_limits: [{key: route, rate: 1, burst: 1, scope: cluster, on_redis_error: closed}]}}
  - {name: tenant, path_prefix: /tenant, service: backend, middleware: {auth: {apps: {}}}}
  - {name: plain, path_prefix: /plain, service: backend}
`, etcd, redis, secret.Hash(appSecret), backend)
}

func TestCluster(t *testing.T) {
	etcd := etcdtest.Start(t)
	redis := redistest.Start(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "backend "+r.URL.Path)
	}))
	defer backend.Close()
	cfg := localConfig(etcd.Endpoints()[0], redis.Addr, backend.Listener.Addr().String())
	a := startInstance(t, "a", cfg)
	b := startInstance(t, "b", cfg)
	c := startInstance(t, "c", cfg)
	all := []*instance{a, b, c}

	t.Run("a change on one instance is served by all", func(t *testing.T) {
		code, body := adminDo(t, a, "POST", "/api/v1/routes", `{"name": "added", "path_prefix": "/added", "service": "backend"}`)
		if code != http.StatusCreated {
			t.Fatalf("create route on a: %d %s", code, body)
		}
		for _, in := range []*instance{b, c} {
			took := waitFor(t, 5*time.Second, "the new route on "+in.name, func() bool {
				return status(t.Context(), "http://"+in.web+"/added/x", nil) == 200
			})
			t.Logf("route created on a served by %s after %v", in.name, took)
			if took > 2*time.Second {
				t.Errorf("%s took %v to serve a change (want about a second at most)", in.name, took)
			}
		}
	})

	t.Run("targets that register themselves in etcd are discovered", func(t *testing.T) {
		self := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "self-registered")
		}))
		defer self.Close()
		reg, err := etcdreg.New(etcdreg.Config{Client: etcd.Client(t), Prefix: "/e2e"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(t.Context())
		registered := make(chan error, 1)
		go func() {
			registered <- reg.Register(ctx, "disco", registry.Instance{Addr: self.Listener.Addr().String()}, 2*time.Second)
		}()
		code, body := adminDo(t, b, "POST", "/api/v1/services", `{"name": "disco", "discovery": {"service": "disco"}}`)
		if code != http.StatusCreated {
			t.Fatalf("create service: %d %s", code, body)
		}
		code, body = adminDo(t, b, "POST", "/api/v1/routes", `{"name": "disco", "path_prefix": "/disco", "service": "disco"}`)
		if code != http.StatusCreated {
			t.Fatalf("create route: %d %s", code, body)
		}
		for _, in := range all {
			waitFor(t, 5*time.Second, "the registered target served by "+in.name, func() bool {
				return get(t, "http://"+in.web+"/disco/x") == "self-registered"
			})
		}
		stop() // the backend deregisters: the service has no target left
		if err := <-registered; err != nil {
			t.Errorf("Register: %v", err)
		}
		waitFor(t, 10*time.Second, "the deregistered target gone (503)", func() bool {
			return status(t.Context(), "http://"+a.web+"/disco/x", nil) == http.StatusServiceUnavailable
		})
	})

	t.Run("one global rate limit across instances", func(t *testing.T) {
		allowed, elapsed := hammer(t, all, "/limited/x", 3*time.Second)
		want := 10 + 100*elapsed.Seconds() // burst, then the rate
		t.Logf("allowed %d over %v across 3 instances; a global 100/s (burst 10) allows %.0f", allowed, elapsed, want)
		if diff := (float64(allowed) - want) / want; diff > 0.10 || diff < -0.10 {
			t.Errorf("allowed %d, want %.0f within 10%% (got %+.1f%%)", allowed, want, diff*100)
		}
	})

	t.Run("an app's daily quota holds across instances", func(t *testing.T) {
		token := appToken(t, a)
		codes := map[int]int{}
		for i := range 30 {
			in := all[i%3]
			codes[status(t.Context(), "http://"+in.web+"/tenant/x", http.Header{"Authorization": {"Bearer " + token}})]++
		}
		if codes[200] != 20 || codes[429] != 10 {
			t.Errorf("30 requests over 3 instances with a quota of 20: %v, want 20 x 200 and 10 x 429", codes)
		}
	})

	t.Run("etcd down: existing routes keep serving, changes resync after", func(t *testing.T) {
		etcd.Stop()
		waitFor(t, 10*time.Second, "degraded readiness", func() bool {
			return strings.Contains(get(t, "http://"+b.admin+"/readyz"), "etcd")
		})
		failures := load(t, all, "/plain/x", 2*time.Second)
		if failures != 0 {
			t.Errorf("%d requests failed on an existing route while etcd was down", failures)
		}
		if m := get(t, "http://"+a.admin+"/metrics"); !strings.Contains(m, `gateway_dependency_up{dependency="etcd"} 0`) {
			t.Error(`gateway_dependency_up{dependency="etcd"} is not 0 while etcd is down`)
		}
		etcd.Restart()
		waitFor(t, 15*time.Second, "b back in contact with etcd", func() bool {
			code, _ := adminDo(t, b, "POST", "/api/v1/routes", `{"name": "after", "path_prefix": "/after", "service": "backend"}`)
			return code == http.StatusCreated
		})
		for _, in := range []*instance{a, c} {
			waitFor(t, 10*time.Second, "the post-restart change on "+in.name, func() bool {
				return status(t.Context(), "http://"+in.web+"/after/x", nil) == 200
			})
		}
	})

	t.Run("redis down: each limit fails open or closed as configured", func(t *testing.T) {
		redis.Stop()
		waitFor(t, 10*time.Second, "redis reported down", func() bool {
			return strings.Contains(get(t, "http://"+a.admin+"/metrics"), `gateway_dependency_up{dependency="redis"} 0`)
		})
		open, closed := map[int]int{}, map[int]int{}
		for range 5 {
			open[status(t.Context(), "http://"+a.web+"/open/x", nil)]++
			closed[status(t.Context(), "http://"+a.web+"/closed/x", nil)]++
		}
		if open[200] != 5 {
			t.Errorf("fail-open limit while redis is down: %v, want 5 x 200", open)
		}
		if closed[503] != 5 {
			t.Errorf("fail-closed limit while redis is down: %v, want 5 x 503", closed)
		}
		redis.Restart()
		waitFor(t, 15*time.Second, "the limit enforced again", func() bool {
			codes := map[int]int{}
			for range 3 {
				codes[status(t.Context(), "http://"+a.web+"/open/x", nil)]++
			}
			return codes[429] > 0
		})
	})
}

// hammer sends requests to path on every instance from 3 clients each for d, and
// returns how many were allowed (200) and the time they took.
func hammer(t *testing.T, ins []*instance, path string, d time.Duration) (int64, time.Duration) {
	var allowed atomic.Int64
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, in := range ins {
		for range 3 {
			wg.Go(func() {
				for ctx.Err() == nil {
					if status(ctx, "http://"+in.web+path, nil) == 200 {
						allowed.Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	return allowed.Load(), time.Since(start)
}

// load sends requests to path over every instance for d and counts the failures.
func load(t *testing.T, ins []*instance, path string, d time.Duration) int {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	var failures atomic.Int64
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Go(func() {
			for ctx.Err() == nil {
				if code := status(ctx, "http://"+in.web+path, nil); code != 200 && ctx.Err() == nil {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(failures.Load())
}

func appToken(t *testing.T, in *instance) string {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+in.web+"/oauth/tokens", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("tenant", appSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token endpoint: %d %v", res.StatusCode, err)
	}
	return tok.AccessToken
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
