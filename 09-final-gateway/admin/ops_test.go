package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/config"
)

func TestRotateSecret(t *testing.T) {
	e := newEnv(t)
	var seen []string
	for range 2 {
		a := e.do(t, "POST", "/api/v1/apps/acme/secret", "").want(t, http.StatusOK)
		got := decode[map[string]string](t, a)
		cfg, v := e.fake.Config()
		if got["id"] != "acme" || cfg.Apps[0].SecretHash != secret.Hash(got["secret"]) || a.etag() != v {
			t.Fatalf("answer %v: stored hash %q, version %q", got, cfg.Apps[0].SecretHash, v)
		}
		seen = append(seen, got["secret"])
	}
	if seen[0] == seen[1] {
		t.Error("two rotations gave the same secret")
	}
	e.do(t, "POST", "/api/v1/apps/nope/secret", "").want(t, http.StatusNotFound)
	e.do(t, "POST", "/api/v1/apps/acme/secret", "", "If-Match", `"stale"`).want(t, http.StatusPreconditionFailed)
}

func TestIssueToken(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "POST", "/api/v1/apps/acme/token", "").want(t, http.StatusOK)
	got := decode[struct {
		Token     string    `json:"token"`
		TokenType string    `json:"token_type"`
		Expires   time.Time `json:"expires"`
	}](t, a)
	if got.Token != "token-for-acme" || got.TokenType != "Bearer" || got.Expires.Year() != 2030 {
		t.Errorf("answer %+v", got)
	}
	e.do(t, "POST", "/api/v1/apps/nope/token", "").want(t, http.StatusNotFound)
	if len(e.fake.tokens) != 1 {
		t.Errorf("tokens issued for %v, want acme only", e.fake.tokens)
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	all := decode[struct {
		Ready    bool                  `json:"ready"`
		Services []admin.ServiceHealth `json:"services"`
	}](t, e.do(t, "GET", "/api/v1/health", "").want(t, http.StatusOK))
	if !all.Ready || len(all.Services) != 3 {
		t.Errorf("health %+v", all)
	}
	one := decode[struct {
		Services []admin.ServiceHealth `json:"services"`
	}](t, e.do(t, "GET", "/api/v1/health?service=orders", "").want(t, http.StatusOK))
	if len(one.Services) != 1 || len(one.Services[0].Targets) != 2 || one.Services[0].Targets[1].Healthy {
		t.Errorf("orders health %+v", one)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t)
	e.fake.stats = admin.Stats{Total: admin.Counter{Total: 10, Today: 4, QPS: 1.5},
		Services: map[string]admin.Counter{"hello": {Total: 10}}}
	a := e.do(t, "GET", "/api/v1/stats", "").want(t, http.StatusOK)
	got := decode[map[string]any](t, a)
	if got["total"].(map[string]any)["qps"] != 1.5 {
		t.Errorf("stats %s", a.body)
	}
	if _, ok := got["errors"]; ok {
		t.Errorf("stats %s: errors shown although the backend does not count them", a.body)
	}
	e.fake.stats.Errors = &admin.Counter{Today: 1}
	if got := decode[map[string]any](t, e.do(t, "GET", "/api/v1/stats", "")); got["errors"] == nil {
		t.Error("errors not shown")
	}
}

func TestHourly(t *testing.T) {
	e := newEnv(t)
	e.fake.hourly["service:hello"] = [24]int64{3: 7, 23: 1}
	e.fake.hourly["total"] = [24]int64{0: 2}
	tests := []struct {
		name, query string
		want        int
		wantToday   map[int]int64
	}{
		{"service", "?counter=service:hello", 200, map[int]int64{3: 7, 23: 1}},
		{"total by default", "", 200, map[int]int64{0: 2}},
		{"app", "?counter=app:acme", 200, map[int]int64{}},
		{"unknown kind", "?counter=user:bob", 400, nil},
		{"junk", "?counter=service:a/b", 400, nil},
		{"backend error", "?counter=service:broken", 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "GET", "/api/v1/stats/hourly"+tt.query, "").want(t, tt.want)
			if tt.want != 200 {
				return
			}
			got := decode[struct {
				Today     []int64 `json:"today"`
				Yesterday []int64 `json:"yesterday"`
			}](t, a)
			if len(got.Today) != 24 || len(got.Yesterday) != 24 {
				t.Fatalf("answer %s: want 24 hours each", a.body)
			}
			for h, v := range got.Today {
				if v != tt.wantToday[h] {
					t.Errorf("hour %d: %d, want %d", h, v, tt.wantToday[h])
				}
			}
		})
	}
}

func TestInstances(t *testing.T) {
	e := newEnv(t)
	got := decode[struct {
		Instances []admin.Instance `json:"instances"`
	}](t, e.do(t, "GET", "/api/v1/instances", "").want(t, http.StatusOK))
	if _, v := e.fake.Config(); len(got.Instances) != 1 || got.Instances[0].Version != v {
		t.Errorf("instances %+v", got)
	}
}

func TestReload(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "POST", "/api/v1/reload", "").want(t, http.StatusOK)
	if _, v := e.fake.Config(); decode[map[string]string](t, a)["version"] != v {
		t.Errorf("answer %s", a.body)
	}
	e.fake.reloadErr = &config.Errors{File: "gateway.yaml", List: []config.FieldError{
		{Path: "services[0].targets[0].addr", Line: 14, Msg: `"x" is not host:port`}}}
	a = e.do(t, "POST", "/api/v1/reload", "").want(t, http.StatusUnprocessableEntity)
	body := decode[errorAnswer](t, a)
	if !strings.Contains(body.Error, "keeps serving") || len(body.Fields) != 1 || body.Fields[0].Line != 14 {
		t.Errorf("answer %s", a.body)
	}
}
