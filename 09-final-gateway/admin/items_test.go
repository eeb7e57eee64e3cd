package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"gatewaylab/07-middleware/secret"
)

func TestListSearchAndPaging(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, path string
		key        string
		want       []string
		wantTotal  int
	}{
		{"all services", "/api/v1/services", "name", []string{"hello", "orders", "spare"}, 3},
		{"search is case-insensitive", "/api/v1/services?q=ORD", "name", []string{"orders"}, 1},
		{"search finds target addresses", "/api/v1/services?q=9004", "name", []string{"spare"}, 1},
		{"search finds policies", "/api/v1/services?q=weighted", "name", []string{"orders"}, 1},
		{"no match", "/api/v1/services?q=nothing", "name", []string{}, 0},
		{"first page", "/api/v1/services?size=2", "name", []string{"hello", "orders"}, 3},
		{"second page", "/api/v1/services?size=2&page=2", "name", []string{"spare"}, 3},
		{"past the end", "/api/v1/services?size=2&page=9", "name", []string{}, 3},
		{"routes of a service", "/api/v1/routes?service=orders", "name", []string{"orders"}, 1},
		{"routes by path", "/api/v1/routes?q=/hello", "name", []string{"hello"}, 1},
		{"apps by name", "/api/v1/apps?q=acme%20corp", "id", []string{"acme"}, 1},
		{"all apps", "/api/v1/apps", "id", []string{"acme", "globex"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "GET", tt.path, "").want(t, http.StatusOK)
			l := decode[listAnswer](t, a)
			if got := l.keys(tt.key); !slices.Equal(got, tt.want) || l.Total != tt.wantTotal {
				t.Errorf("items %v total %d, want %v total %d", got, l.Total, tt.want, tt.wantTotal)
			}
		})
	}
	for _, bad := range []string{"page=0", "page=x", "size=0", "size=101", "size=-1"} {
		t.Run("bad "+bad, func(t *testing.T) {
			a := e.do(t, "GET", "/api/v1/services?"+bad, "").want(t, http.StatusBadRequest)
			field := strings.Split(bad, "=")[0]
			if body := decode[errorAnswer](t, a); len(body.Fields) != 1 || body.Fields[0].Path != field {
				t.Errorf("fields = %+v, want %s", body.Fields, field)
			}
		})
	}
}

func TestGetOne(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "GET", "/api/v1/services/orders", "").want(t, http.StatusOK)
	if _, v := e.fake.Config(); a.etag() != v {
		t.Errorf("ETag %q, want %q", a.etag(), v)
	}
	want := `{"name":"orders","protocol":"http","targets":[{"addr":"127.0.0.1:9002","weight":3},{"addr":"127.0.0.1:9003","weight":1}],` +
		`"balancer":{"policy":"weighted_round_robin","hash_key":"ip"},"health":{},` +
		`"upstream":{"dial_timeout":"5s","response_header_timeout":"0s","idle_conn_timeout":"1m30s","max_idle_conns_per_host":256,"retries":1,"transport":"lean"}}`
	if got := strings.TrimSpace(string(a.body)); got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
	app := decode[map[string]any](t, e.do(t, "GET", "/api/v1/apps/acme", "").want(t, http.StatusOK))
	if _, shown := app["secret_hash"]; shown || app["daily_quota"] != 1000.0 {
		t.Errorf("app = %v: want the quota and no secret hash", app)
	}
	for _, path := range []string{"/api/v1/services/nope", "/api/v1/routes/nope", "/api/v1/apps/nope"} {
		body := decode[errorAnswer](t, e.do(t, "GET", path, "").want(t, http.StatusNotFound))
		if !strings.Contains(body.Error, `"nope": not found`) {
			t.Errorf("%s: error %q", path, body.Error)
		}
	}
}

func TestCreate(t *testing.T) {
	tests := []struct {
		name, path, body string
		wantStatus       int
		wantField        string // relative field of a validation problem
		wantPath         string
		wantMsg          string
	}{
		{name: "service", path: "/api/v1/services", body: `{"name": "shop", "targets": [{"addr": "127.0.0.1:9100"}]}`, wantStatus: 201},
		{name: "service that exists", path: "/api/v1/services", body: `{"name": "hello", "targets": [{"addr": "127.0.0.1:9100"}]}`,
			wantStatus: 409, wantMsg: `service "hello" already exists`},
		{name: "bad target", path: "/api/v1/services", body: `{"name": "shop", "targets": [{"addr": "nonsense"}]}`,
			wantStatus: 422, wantField: "targets[0].addr", wantPath: "services[3].targets[0].addr", wantMsg: `"nonsense" is not host:port`},
		{name: "bad name", path: "/api/v1/services", body: `{"name": "Shop!", "targets": [{"addr": "127.0.0.1:1"}]}`,
			wantStatus: 422, wantField: "name", wantPath: "services[3].name", wantMsg: "want 1-63 of a-z 0-9"},
		{name: "no targets", path: "/api/v1/services", body: `{"name": "shop"}`,
			wantStatus: 422, wantField: "targets", wantPath: "services[3].targets", wantMsg: "needs targets or discovery"},
		{name: "misspelt field", path: "/api/v1/services", body: `{"name": "shop", "target": [{"addr": "127.0.0.1:1"}]}`,
			wantStatus: 422, wantField: "target", wantPath: "services[3].target", wantMsg: `unknown field "target"`},
		{name: "wrong type", path: "/api/v1/services", body: `{"name": "shop", "targets": [{"addr": "127.0.0.1:1", "weight": "heavy"}]}`,
			wantStatus: 422, wantField: "targets[0].weight", wantPath: "services[3].targets[0].weight", wantMsg: "cannot unmarshal"},
		{name: "bad duration", path: "/api/v1/services",
			body:       `{"name": "shop", "targets": [{"addr": "127.0.0.1:1"}], "upstream": {"dial_timeout": "soon"}}`,
			wantStatus: 422, wantField: "upstream.dial_timeout", wantPath: "services[3].upstream.dial_timeout", wantMsg: `"soon" is not a duration`},
		{name: "route", path: "/api/v1/routes", body: `{"name": "shop", "path_prefix": "/shop", "service": "spare"}`, wantStatus: 201},
		{name: "route to no service", path: "/api/v1/routes", body: `{"name": "shop", "path_prefix": "/shop", "service": "ghost"}`,
			wantStatus: 422, wantField: "service", wantPath: "routes[2].service", wantMsg: `no service named "ghost"`},
		{name: "route with a dot segment", path: "/api/v1/routes", body: `{"name": "shop", "path_prefix": "/a/../admin", "service": "spare"}`,
			wantStatus: 422, wantField: "path_prefix", wantPath: "routes[2].path_prefix", wantMsg: "not canonical"},
		{name: "route middleware", path: "/api/v1/routes",
			body:       `{"name": "shop", "path_prefix": "/shop", "service": "spare", "middleware": {"rate_limits": [{"rate": -1}]}}`,
			wantStatus: 422, wantField: "middleware.rate_limits[0].rate", wantPath: "routes[2].middleware.rate_limits[0].rate", wantMsg: "more than 0"},
		{name: "app with a bad id", path: "/api/v1/apps", body: `{"id": "a b"}`,
			wantStatus: 422, wantField: "id", wantPath: "apps[2].id", wantMsg: "want 1-64"},
		{name: "app with a bad network", path: "/api/v1/apps", body: `{"id": "initech", "allowed_ips": ["10.0.0.0/33"]}`,
			wantStatus: 422, wantField: "allowed_ips[0]", wantPath: "apps[2].allowed_ips[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, before := e.fake.Config()
			a := e.do(t, "POST", tt.path, tt.body).want(t, tt.wantStatus)
			if tt.wantStatus == http.StatusCreated {
				if _, v := e.fake.Config(); a.etag() != v || v == before {
					t.Errorf("ETag %q, version %q (was %q)", a.etag(), v, before)
				}
				if loc := a.header.Get("Location"); !strings.HasSuffix(loc, "/shop") {
					t.Errorf("Location = %q", loc)
				}
				return
			}
			body := decode[errorAnswer](t, a)
			if _, after := e.fake.Config(); after != before {
				t.Errorf("a refused change was applied")
			}
			if tt.wantField == "" {
				if !strings.Contains(body.Error, tt.wantMsg) {
					t.Errorf("error %q, want %q", body.Error, tt.wantMsg)
				}
				return
			}
			for _, f := range body.Fields {
				if f.Field == tt.wantField && f.Path == tt.wantPath && strings.Contains(f.Message, tt.wantMsg) {
					return
				}
			}
			t.Errorf("fields %+v, want %s (%s): %s", body.Fields, tt.wantField, tt.wantPath, tt.wantMsg)
		})
	}
}

func TestCreatedServiceHasDefaults(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "POST", "/api/v1/services", `{"name": "shop", "targets": [{"addr": "127.0.0.1:9100"}]}`).want(t, http.StatusCreated)
	got := decode[map[string]any](t, a)
	if got["protocol"] != "http" || got["balancer"].(map[string]any)["policy"] != "round_robin" {
		t.Errorf("created service %v: want the defaults applied", got)
	}
	cfg, _ := e.fake.Config()
	if s := cfg.Services[len(cfg.Services)-1]; s.Name != "shop" || s.Targets[0].Weight != 1 {
		t.Errorf("stored %+v", s)
	}
}

func TestCreateAppMakesASecretShownOnce(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "POST", "/api/v1/apps", `{"id": "initech", "qps": 2, "daily_quota": 50}`).want(t, http.StatusCreated)
	got := decode[map[string]any](t, a)
	s, _ := got["secret"].(string)
	if len(s) < 40 || got["secret_hash"] != nil {
		t.Fatalf("answer %v: want a secret and no hash", got)
	}
	cfg, _ := e.fake.Config()
	if h := cfg.Apps[2].SecretHash; h != secret.Hash(s) {
		t.Errorf("stored hash %q is not the hash of the secret shown", h)
	}
	again := decode[map[string]any](t, e.do(t, "GET", "/api/v1/apps/initech", "").want(t, http.StatusOK))
	if _, shown := again["secret"]; shown {
		t.Error("the secret is shown again")
	}
	if cfg.Apps[2].Burst != 2 {
		t.Errorf("burst %d: want the default (qps rounded up)", cfg.Apps[2].Burst)
	}
}

func TestUpdate(t *testing.T) {
	e := newEnv(t)
	get := e.do(t, "GET", "/api/v1/services/orders", "").want(t, http.StatusOK)
	etag := get.header.Get("ETag")

	body := `{"name": "orders", "targets": [{"addr": "127.0.0.1:9005"}], "balancer": {"policy": "random"}}`
	a := e.do(t, "PUT", "/api/v1/services/orders", body, "If-Match", etag).want(t, http.StatusOK)
	cfg, v := e.fake.Config()
	if s := cfg.Services[1]; s.Balancer.Policy != "random" || len(s.Targets) != 1 || a.etag() != v {
		t.Errorf("stored %+v, ETag %q version %q", s, a.etag(), v)
	}

	t.Run("the old If-Match is now stale", func(t *testing.T) {
		e.do(t, "PUT", "/api/v1/services/orders", body, "If-Match", etag).want(t, http.StatusPreconditionFailed)
	})
	t.Run("a weak ETag is understood", func(t *testing.T) {
		e.do(t, "PUT", "/api/v1/services/orders", body, "If-Match", "W/"+a.header.Get("ETag")).want(t, http.StatusOK)
	})
	t.Run("the name may be left out", func(t *testing.T) {
		e.do(t, "PUT", "/api/v1/services/orders", `{"targets": [{"addr": "127.0.0.1:9006"}]}`).want(t, http.StatusOK)
		if cfg, _ := e.fake.Config(); cfg.Services[1].Name != "orders" || cfg.Services[1].Targets[0].Addr != "127.0.0.1:9006" {
			t.Errorf("stored %+v", cfg.Services[1])
		}
	})
	t.Run("renaming is refused", func(t *testing.T) {
		a := e.do(t, "PUT", "/api/v1/services/orders", `{"name": "sales", "targets": [{"addr": "127.0.0.1:1"}]}`).want(t, http.StatusUnprocessableEntity)
		if !hasProblem(decode[errorAnswer](t, a), "name", "renaming is not supported") {
			t.Errorf("body %s", a.body)
		}
	})
	t.Run("an invalid edit names the field at the item's place", func(t *testing.T) {
		a := e.do(t, "PUT", "/api/v1/services/orders", `{"targets": [{"addr": "127.0.0.1:1", "weight": 2000000}]}`).want(t, http.StatusUnprocessableEntity)
		if !hasProblem(decode[errorAnswer](t, a), "services[1].targets[0].weight", "weight must be from 1") {
			t.Errorf("body %s", a.body)
		}
	})
	t.Run("missing item", func(t *testing.T) {
		e.do(t, "PUT", "/api/v1/services/nope", `{"targets": [{"addr": "127.0.0.1:1"}]}`).want(t, http.StatusNotFound)
	})
	t.Run("an app edit keeps its secret", func(t *testing.T) {
		before, _ := e.fake.Config()
		hash := before.Apps[0].SecretHash
		e.do(t, "PUT", "/api/v1/apps/acme", `{"name": "Acme", "qps": 9, "daily_quota": 5000}`).want(t, http.StatusOK)
		after, _ := e.fake.Config()
		if a := after.Apps[0]; a.SecretHash != hash || a.DailyQuota != 5000 || a.QPS != 9 {
			t.Errorf("stored %+v", a)
		}
	})
}

func TestConcurrentWritersConflictInsteadOfLosingAnUpdate(t *testing.T) {
	e := newEnv(t)
	e.fake.beforeApply = func() { e.fake.bump(t) } // another admin saves first
	a := e.do(t, "PUT", "/api/v1/apps/acme", `{"daily_quota": 7}`).want(t, http.StatusConflict)
	if body := decode[errorAnswer](t, a); !strings.Contains(body.Error, "changed while") {
		t.Errorf("error %q", body.Error)
	}
	cfg, _ := e.fake.Config()
	if cfg.Log.Level != "debug" || cfg.Apps[0].DailyQuota != 1000 {
		t.Errorf("log level %q quota %d: want the other admin's change kept and ours refused", cfg.Log.Level, cfg.Apps[0].DailyQuota)
	}
	t.Run("with If-Match it is a failed precondition", func(t *testing.T) {
		_, v := e.fake.Config()
		e.fake.beforeApply = func() { e.fake.bump(t) }
		e.do(t, "PUT", "/api/v1/apps/acme", `{"daily_quota": 7}`, "If-Match", `"`+v+`"`).want(t, http.StatusPreconditionFailed)
	})
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, path string
		want       int
		wantMsg    string
	}{
		{"service used by a route", "/api/v1/services/hello", 409, `service "hello" is still in use by route "hello"`},
		{"app allowed by a route", "/api/v1/apps/acme", 409, `app "acme" is still in use by route "orders"`},
		{"unused service", "/api/v1/services/spare", 204, ""},
		{"unused app", "/api/v1/apps/globex", 204, ""},
		{"route", "/api/v1/routes/hello", 204, ""},
		{"service no longer used", "/api/v1/services/hello", 204, ""},
		{"already gone", "/api/v1/services/hello", 404, `service "hello": not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "DELETE", tt.path, "").want(t, tt.want)
			if tt.wantMsg != "" {
				if body := decode[errorAnswer](t, a); !strings.Contains(body.Error, tt.wantMsg) {
					t.Errorf("error %q, want %q", body.Error, tt.wantMsg)
				}
			}
		})
	}
	cfg, _ := e.fake.Config()
	if len(cfg.Services) != 1 || len(cfg.Routes) != 1 || len(cfg.Apps) != 1 {
		t.Errorf("left %d services, %d routes, %d apps; want 1, 1, 1", len(cfg.Services), len(cfg.Routes), len(cfg.Apps))
	}
	t.Run("stale If-Match", func(t *testing.T) {
		e.do(t, "DELETE", "/api/v1/routes/orders", "", "If-Match", `"old"`).want(t, http.StatusPreconditionFailed)
	})
}
