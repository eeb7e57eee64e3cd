package reliability_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/04-proxy/redistest"
	"gatewaylab/06-discovery/etcdtest"
	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/load"
)

// clusterConfig fills testdata/cluster.yaml.tmpl for one instance.
type clusterConfig struct{ Admin, Web, Etcd, Redis, Backend string }

// TestClusterOutagesUnderLoad runs two gateway instances in cluster mode on a real etcd
// and a real redis-server, with clients on every route of both, and stops and restarts
// each dependency in turn. Requests on routes that need neither never fail; a cluster
// limit that fails open never fails either; one that fails closed answers 503 only
// while Redis is unreachable; a configuration change made after etcd came back
// reaches both instances.
func TestClusterOutagesUnderLoad(t *testing.T) {
	t.Parallel()
	etcd, redis := etcdtest.Start(t), redistest.Start(t)
	backend := newHTTPBackend(t, "backend")
	var instances []clusterConfig
	var gws []*proc.Gateway
	for range 2 {
		addrs := freeAddrs(t, 2)
		c := clusterConfig{Admin: addrs[0], Web: addrs[1], Etcd: etcd.Endpoints()[0], Redis: redis.Addr, Backend: backend.Addr()}
		g, _ := startGateway(t, c.Admin, render(t, "cluster.yaml.tmpl", c), "-watch", "0")
		instances, gws = append(instances, c), append(gws, g)
	}
	began := time.Now()
	var redisDown atomic.Bool // from just before redis stops until both instances reached it again
	tallies := map[string]*load.Tally{"plain": {}, "open": {}, "closed": {}}
	// /closed answers other than 200 while redis was up. A Redis call can still fail
	// then (its 500ms timeout, on two busy cores): the fail-closed answer is right for
	// it, and is counted apart; anything else is a failure.
	var closedOutside load.Tally
	routes := []string{"plain", "open", "closed"}
	w := load.Start(t.Context(), 6, func(ctx context.Context, worker int) {
		in, route := instances[worker%2], routes[worker%3]
		client := keepAlive()
		defer client.CloseIdleConnections()
		for ctx.Err() == nil {
			down := redisDown.Load()
			o, text, stopped := send(ctx, client, "GET", "http://"+in.Web+"/"+route+"/x", "")
			if stopped {
				continue
			}
			tallies[route].Add(o, text)
			if route == "closed" && o != "200" && !down && !redisDown.Load() {
				if o == "503" && strings.Contains(text, "rate limiter unavailable") {
					o = "fail-closed"
				}
				closedOutside.Add(o, fmt.Sprintf("%s at %v", text, time.Since(began).Round(time.Millisecond)))
			}
		}
	})
	defer w.Stop()
	waitAnswers(t, tallies, 20)

	t.Run("etcd_down_and_back", func(t *testing.T) {
		etcd.Stop()
		for _, g := range gws {
			waitDependency(t, g, "etcd", 0)
		}
		waitAnswers(t, tallies, 20)
		etcd.Restart()
		eventually(t, faultWait, "a change accepted by instance 0 after etcd came back", func() (bool, string) {
			code, body := adminDo(t, instances[0].Admin, "POST", "/api/v1/routes", `{"name": "after", "path_prefix": "/after", "service": "backend"}`)
			return code == http.StatusCreated, fmt.Sprintf("%d %s", code, body)
		})
		eventually(t, faultWait, "the change served by instance 1", func() (bool, string) {
			res := get(t, instances[1].Web, "/after/x", nil)
			return res.Status == 200, fmt.Sprint(res.Status)
		})
	})
	t.Run("redis_down_and_back", func(t *testing.T) {
		t.Logf("redis stopped at %v", time.Since(began).Round(time.Millisecond))
		redisDown.Store(true)
		before := tallies["closed"].Get("503")
		redis.Stop()
		for _, g := range gws {
			waitDependency(t, g, "redis", 0)
		}
		eventually(t, faultWait, "the fail-closed limit refusing", func() (bool, string) {
			return tallies["closed"].Get("503") > before+5, tallies["closed"].String()
		})
		redis.Restart()
		for _, g := range gws {
			waitDependency(t, g, "redis", 1)
		}
		ok := tallies["closed"].Get("200")
		eventually(t, faultWait, "the fail-closed limit admitting again", func() (bool, string) {
			return tallies["closed"].Get("200") > ok+10, tallies["closed"].String()
		})
		redisDown.Store(false)
		t.Logf("redis back and enforcing at %v", time.Since(began).Round(time.Millisecond))
		waitAnswers(t, tallies, 20)
	})
	w.Stop()

	for _, route := range []string{"plain", "open"} {
		if n := tallies[route].Except("200"); n > 0 {
			t.Errorf("/%s: %d requests failed during the outages: %s", route, n, tallies[route].String())
		}
	}
	if n := tallies["closed"].Except("200", "503"); n > 0 || closedOutside.Except("fail-closed") > 0 {
		t.Errorf("/closed: unexpected answers %s; outside the Redis outage: %s", tallies["closed"].String(), closedOutside.String())
	}
	if n := closedOutside.Get("fail-closed"); n > 0 {
		t.Logf("/closed refused %d requests while Redis was up: a Redis call failed (%s)", n, closedOutside.String())
	}
	t.Logf("two instances, etcd then Redis stopped and restarted under load: /plain %s; /open %s; /closed %s",
		tallies["plain"].String(), tallies["open"].String(), tallies["closed"].String())
}

// waitAnswers waits until every route's tally has grown by n answers.
func waitAnswers(t *testing.T, tallies map[string]*load.Tally, n int64) {
	t.Helper()
	start := map[string]int64{}
	for r, tl := range tallies {
		start[r] = tl.Total()
	}
	eventually(t, faultWait, fmt.Sprintf("%d more answers on every route", n), func() (bool, string) {
		for r, tl := range tallies {
			if tl.Total() < start[r]+n {
				return false, r + ": " + tl.String()
			}
		}
		return true, ""
	})
}

// waitDependency waits until the gateway reports dependency up (1) or down (0).
func waitDependency(t *testing.T, g *proc.Gateway, dependency string, up float64) {
	t.Helper()
	eventually(t, faultWait, fmt.Sprintf("%s reported %v", dependency, up), func() (bool, string) {
		v := scrape(t, g).Value("gateway_dependency_up", fmt.Sprintf("dependency=%q", dependency))
		return v == up, fmt.Sprintf("gateway_dependency_up{dependency=%q} = %v", dependency, v)
	})
}

// adminDo sends a JSON body (or none) to the admin API with the token, and returns
// the status and body; 0 and the error when the request failed.
func adminDo(t *testing.T, admin, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+admin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+proc.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := oneShot.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err.Error()
	}
	return res.StatusCode, string(b)
}
