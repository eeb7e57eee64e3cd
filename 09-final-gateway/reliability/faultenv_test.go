package reliability_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/backend"
	"gatewaylab/09-final-gateway/reliability/internal/load"
)

// faultEnv is one gateway on testdata/faults.yaml.tmpl and its backends.
type faultEnv struct {
	gw   *proc.Gateway
	dir  string // where its configuration file is
	cfg  faultConfig
	a    *backend.HTTP
	b    *backend.HTTP
	c    *backend.HTTP
	slow *backend.HTTP
	fail *backend.HTTP
}

// faultConfig fills the template.
type faultConfig struct {
	Admin, Web             string
	A, B, C, Slow, Failing string
	Gen                    int      // configuration generation, echoed in X-Config-Gen
	Extra                  []string // extra routes to the pool, by name
}

func startFaultEnv(t *testing.T, args ...string) *faultEnv {
	t.Helper()
	e := &faultEnv{a: newHTTPBackend(t, "a"), b: newHTTPBackend(t, "b"), c: newHTTPBackend(t, "c"),
		slow: newHTTPBackend(t, "slow"), fail: newHTTPBackend(t, "failing")}
	addrs := freeAddrs(t, 2)
	e.cfg = faultConfig{Admin: addrs[0], Web: addrs[1], A: e.a.Addr(), B: e.b.Addr(), C: e.c.Addr(),
		Slow: e.slow.Addr(), Failing: e.fail.Addr()}
	e.gw, e.dir = startGateway(t, e.cfg.Admin, render(t, "faults.yaml.tmpl", e.cfg), args...)
	return e
}

// send makes one request through client and returns its outcome (load.Outcome), the
// body, and whether ctx ended meanwhile (the outcome then means nothing).
func send(ctx context.Context, client *http.Client, method, url, body string) (outcome, text string, stopped bool) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return load.Outcome(0, err), "", ctx.Err() != nil
	}
	res, err := client.Do(req)
	if err != nil {
		return load.Outcome(0, err), err.Error(), ctx.Err() != nil
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return load.Outcome(0, err), err.Error(), ctx.Err() != nil
	}
	return load.Outcome(res.StatusCode, nil), string(b), false
}

// keepAlive returns a client that reuses connections, for one load worker.
func keepAlive() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
}

// accessEntry is one line of the gateway's JSON access log.
type accessEntry struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Status   int    `json:"status"`
	Upstream string `json:"upstream"`
	Route    string `json:"route"`
}

// accessLog parses the access log the gateway wrote so far, by path.
func accessLog(g *proc.Gateway) map[string]accessEntry {
	out := map[string]accessEntry{}
	sc := bufio.NewScanner(strings.NewReader(g.Stdout()))
	for sc.Scan() {
		var e accessEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Path != "" {
			out[e.Path] = e
		}
	}
	return out
}
