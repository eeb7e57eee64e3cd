package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/config"
)

func startServer(t *testing.T, yaml string) *Server {
	t.Helper()
	f, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(t.Context(), Options{File: f, AdminToken: "test-token"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeWithHealthChecksMetricsAndProbes(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "up "+r.URL.Path)
	}))
	defer up.Close()
	s := startServer(t, `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services:
  - name: api
    targets: [{addr: "`+up.Listener.Addr().String()+`"}]
    health: {active: {path: /healthz, interval: 1s, timeout: 500ms}, passive: {}}
routes: [{name: api, path_prefix: /api, service: api}]
`)
	web := "http://" + s.Gateway.Addr("web")
	if code, body := get(t, web+"/api/x"); code != 200 || body != "up /api/x" {
		t.Fatalf("GET = %d %q", code, body)
	}
	admin := "http://" + s.Admin.Addr()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		if code, body := get(t, admin+path); code != 200 || !strings.HasPrefix(body, want) {
			t.Errorf("%s = %d %q", path, code, body)
		}
	}
	_, metrics := get(t, admin+"/metrics")
	if !strings.Contains(metrics, `gateway_requests_total{code="200",listener="web",route="api",service="api"} 1`) {
		t.Errorf("metrics lack the request:\n%s", metrics)
	}
	h := (&backend{s: s}).Health()
	if len(h) != 1 || len(h[0].Targets) != 1 || !h[0].Targets[0].Healthy {
		t.Errorf("health = %+v", h)
	}
}

func TestAdminApplyPersistsAtomically(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "v2") }))
	defer up.Close()
	dir := t.TempDir()
	yaml := `
admin: {listen: "127.0.0.1:0", persist_to: "` + dir + `/gateway.yaml"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services: [{name: api, targets: [{addr: "` + up.Listener.Addr().String() + `"}]}]
routes: [{name: api, path_prefix: /api, service: api}]
`
	s := startServer(t, yaml)
	b := &backend{s: s}
	cfg, version := b.Config()
	next := *cfg
	next.Routes = append([]config.Route{}, cfg.Routes...)
	next.Routes = append(next.Routes, config.Route{Name: "v2", PathPrefix: "/v2", Service: "api"})
	addr := s.Gateway.Addr("web")
	if _, err := b.Apply(t.Context(), &next, version); err != nil {
		t.Fatal(err)
	}
	if s.Gateway.Addr("web") != addr {
		t.Error("an admin change restarted the web listener")
	}
	if code, body := get(t, "http://"+addr+"/v2/x"); code != 200 || body != "v2" {
		t.Errorf("new route: %d %q", code, body)
	}
	if _, err := b.Apply(t.Context(), &next, version); err == nil {
		t.Error("Apply with a stale version succeeded (lost update)")
	}
	saved, err := config.Load(dir + "/gateway.yaml")
	if err != nil {
		t.Fatalf("persisted file: %v", err)
	}
	if len(saved.Config.Routes) != 2 {
		t.Errorf("persisted %d routes, want 2", len(saved.Config.Routes))
	}
}

func TestCheckReportsBuildErrors(t *testing.T) {
	f, err := config.Parse("test.yaml", []byte(`
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services: [{name: api, targets: [{addr: "127.0.0.1:1"}]}]
routes:
  - {name: a, path_prefix: /api, service: api}
  - {name: b, path_prefix: /api/, service: api}
`))
	if err != nil {
		t.Fatal(err)
	}
	err = Check(f)
	if err == nil || !strings.Contains(err.Error(), "test.yaml:") || !strings.Contains(err.Error(), "match the same requests") {
		t.Errorf("Check = %v, want a file:line error about duplicate routes", err)
	}
}
