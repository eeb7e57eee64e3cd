package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testAdmin smoke-tests the admin listener: probes, Prometheus metrics after traffic,
// and the token-protected API (tested in depth with the admin package).
func testAdmin(t *testing.T, e *featuresEnv) {
	admin := newClient(e.Admin)
	t.Run("probes", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			wantStatus(t, admin.Get(t, p), 200)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/api/metrics-probe"), 200)
		wantStatus(t, e.web.Get(t, "/nowhere"), 404)
		for range 3 { // burst 2: the third at the latest is refused
			e.web.Get(t, "/rl/metrics-probe")
		}
		text := metrics(t, e.Admin)
		for _, m := range []struct {
			name   string
			labels []string
		}{
			{"gateway_requests_total", []string{`listener="web"`, `route="api"`, `service="alpha"`, `code="200"`}},
			{"gateway_requests_total", []string{`route="(none)"`, `code="404"`}},
			{"gateway_request_duration_seconds_count", []string{`route="api"`}},
			{"gateway_rate_limited_total", []string{`route="rl"`}},
			{"gateway_config_info", []string{`hash="`}},
		} {
			if v := metricValue(text, m.name, m.labels...); v < 1 {
				t.Errorf("%s{%s} = %v, want at least 1", m.name, strings.Join(m.labels, ","), v)
			}
		}
	})
	t.Run("access_log", func(t *testing.T) { testAccessLog(t, e) })
	t.Run("api", func(t *testing.T) {
		wantStatus(t, admin.Get(t, "/api/v1/health"), 401)
		wantStatus(t, admin.Do(t, req{Path: "/api/v1/health", Header: hdr("Authorization", "Bearer wrong")}), 401)
		res := admin.Do(t, req{Path: "/api/v1/health", Header: hdr("Authorization", "Bearer "+adminToken)})
		wantStatus(t, res, 200)
		if !json.Valid([]byte(res.Body)) || !strings.Contains(res.Body, `"healthy"`) {
			t.Fatalf("health: %s", res.Body)
		}
	})
}

// get fetches url and returns its status and body (for plain URLs outside a client).
func get(t testing.TB, url string, h http.Header) (int, string) {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		r.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// testAccessLog: with log.access the gateway writes one JSON line per request to
// stdout, naming the request id the client got, the route, the target that answered
// and the status.
func testAccessLog(t *testing.T, e *featuresEnv) {
	res := e.web.Get(t, "/api/logged")
	wantStatus(t, res, 200)
	id := res.Header.Get("X-Request-Id")
	var entry map[string]any
	eventually(t, 5*time.Second, "access log line for request "+id, func() (bool, string) {
		entry = findAccessLine(e.gw.Stdout(), id)
		return entry != nil, "none yet"
	})
	want := map[string]any{"msg": "request", "method": "GET", "path": "/api/logged", "status": 200.0,
		"route": "api", "upstream": e.A.Addr()}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("access log %s = %v, want %v (line %v)", k, entry[k], v, entry)
		}
	}
}

// findAccessLine returns the JSON access-log entry with request_id id, or nil.
func findAccessLine(stdout, id string) map[string]any {
	for _, line := range strings.Split(stdout, "\n") {
		if !strings.Contains(line, id) {
			continue
		}
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["request_id"] == id {
			return entry
		}
	}
	return nil
}
