package admin_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestGetConfig(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "GET", "/api/v1/config", "").want(t, http.StatusOK)
	if _, v := e.fake.Config(); a.etag() != v {
		t.Errorf("ETag %q, want the version %q", a.etag(), v)
	}
	var cfg struct {
		Services []struct {
			Name     string `json:"name"`
			Protocol string `json:"protocol"`
			Targets  []struct {
				Addr   string `json:"addr"`
				Weight int    `json:"weight"`
			} `json:"targets"`
		} `json:"services"`
		Apps []struct {
			ID         string `json:"id"`
			SecretHash string `json:"secret_hash"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(a.body, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Services) != 3 || cfg.Services[1].Name != "orders" || cfg.Services[1].Targets[0].Weight != 3 {
		t.Errorf("services = %+v", cfg.Services)
	}
	if cfg.Services[0].Protocol != "http" {
		t.Errorf("defaults are not shown: protocol %q", cfg.Services[0].Protocol)
	}
	if len(cfg.Apps) != 2 || !strings.HasPrefix(cfg.Apps[0].SecretHash, "sha256:") {
		t.Errorf("the whole configuration keeps the apps' secret hashes (a PUT of it must not lose them): %+v", cfg.Apps)
	}
	if !strings.HasPrefix(string(a.body), `{"admin":`) {
		t.Errorf("fields are not in the file's order: %.40s", a.body)
	}
}

func TestPutConfig(t *testing.T) {
	e := newEnv(t)
	current := e.do(t, "GET", "/api/v1/config", "").want(t, http.StatusOK)
	withLevel := func(level string) string {
		var m map[string]any
		if err := json.Unmarshal(current.body, &m); err != nil {
			t.Fatal(err)
		}
		m["log"] = map[string]any{"level": level}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	t.Run("what GET gives is accepted back unchanged", func(t *testing.T) {
		a := e.do(t, "PUT", "/api/v1/config", string(current.body), "If-Match", current.header.Get("ETag")).want(t, http.StatusOK)
		if a.etag() != current.etag() {
			t.Errorf("the same configuration got a new version: %q -> %q", current.etag(), a.etag())
		}
	})
	t.Run("a change is applied", func(t *testing.T) {
		a := e.do(t, "PUT", "/api/v1/config", withLevel("debug"), "If-Match", current.header.Get("ETag")).want(t, http.StatusOK)
		cfg, v := e.fake.Config()
		if cfg.Log.Level != "debug" || a.etag() != v {
			t.Errorf("level %q version %q, want debug and %q", cfg.Log.Level, v, a.etag())
		}
	})
	t.Run("a stale If-Match is refused", func(t *testing.T) {
		_, before := e.fake.Config()
		e.do(t, "PUT", "/api/v1/config", withLevel("warn"), "If-Match", current.header.Get("ETag")).want(t, http.StatusPreconditionFailed)
		if cfg, after := e.fake.Config(); after != before || cfg.Log.Level != "debug" {
			t.Errorf("a stale write changed the configuration")
		}
	})

	invalid := []struct {
		name, body, wantPath, wantMsg string
	}{
		{"bad value", `{"services": [{"name": "a", "targets": [{"addr": "nonsense"}]}]}`,
			"services[0].targets[0].addr", `"nonsense" is not host:port`},
		{"unknown field", `{"services": [{"name": "a", "targets": [{"addr": "127.0.0.1:1"}], "bogus": 1}]}`,
			"services[0].bogus", `unknown field "bogus"`},
		{"wrong type", `{"listeners": [{"name": "w", "protocol": "http", "listen": "127.0.0.1:0", "h2c": "yes please"}]}`,
			"listeners[0].h2c", "cannot unmarshal"},
		{"bad duration", `{"auth": {"token_ttl": "an hour"}}`, "auth.token_ttl", "is not a duration"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			_, before := e.fake.Config()
			a := e.do(t, "PUT", "/api/v1/config", tt.body).want(t, http.StatusUnprocessableEntity)
			body := decode[errorAnswer](t, a)
			if !hasProblem(body, tt.wantPath, tt.wantMsg) {
				t.Errorf("fields = %+v, want %s: %s", body.Fields, tt.wantPath, tt.wantMsg)
			}
			if _, after := e.fake.Config(); after != before {
				t.Error("an invalid configuration was applied")
			}
		})
	}
}

// hasProblem reports whether the error names path with a message containing msg.
func hasProblem(body errorAnswer, path, msg string) bool {
	for _, f := range body.Fields {
		if f.Path == path && strings.Contains(f.Message, msg) {
			return true
		}
	}
	return false
}

func TestBadBodies(t *testing.T) {
	e := newEnv(t)
	huge := `{"name": "` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name, body, contentType string
		want                    int
	}{
		{"not JSON", `name: shop`, "application/json", http.StatusBadRequest},
		{"a list, not an object", `[{"name": "shop"}]`, "application/json", http.StatusBadRequest},
		{"two documents", `{"name": "a"} {"name": "b"}`, "application/json", http.StatusBadRequest},
		{"form encoded", `name=shop`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"no content type", `{"name": "shop"}`, "", http.StatusUnsupportedMediaType},
		{"too large", huge, "application/json", http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "POST", "/api/v1/services", tt.body, "Content-Type", tt.contentType).want(t, tt.want)
			if decode[errorAnswer](t, a).Error == "" {
				t.Error("no error message")
			}
		})
	}
	if e.fake.applies() != 0 {
		t.Error("a bad body changed the configuration")
	}
}
