package pipeline

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
)

// build parses yaml and returns the handler of its first route around a real upstream
// that answers "<path> app=<X-Gateway-App>".
func build(t *testing.T, yaml string) http.Handler {
	t.Helper()
	f, _, b := prepare(t, yaml)
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path+" app="+r.Header.Get(IdentityHeader))
	})
	h, err := b.Route(f.Config.Routes[0], upstream, func(string) (http.Handler, error) { return upstream, nil })
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// prepare parses yaml and returns it with the Shared state and the Builder made from
// it; Shared is closed at the end of the test.
func prepare(t *testing.T, yaml string) (*config.File, *Shared, *Builder) {
	t.Helper()
	f, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := NewShared(f.Config, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shared.Close() })
	b, err := shared.Prepare(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	return f, shared, b
}

const base = `
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services: [{name: api, targets: [{addr: "127.0.0.1:1"}]}]
routes:
  - name: api
    path_prefix: /api
    service: api
    middleware:
`

func do(h http.Handler, method, path string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://gw"+path, nil)
	r.RemoteAddr = "192.0.2.10:5000"
	for k, v := range header {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestMiddlewareFromConfig(t *testing.T) {
	tests := []struct {
		name     string
		mw       string
		requests int
		header   http.Header
		want     []int
		body     string
	}{
		{"strip prefix", "      strip_prefix: /api\n", 1, nil, []int{200}, "/users app="},
		{"rewrite", "      rewrite: [{match: \"^/api/(.*)\", replace: \"/v2/$1\"}]\n", 1, nil, []int{200}, "/v2/users app="},
		{"rate limit", "      rate_limits: [{key: client_ip, rate: 1, burst: 2}]\n", 3, nil, []int{200, 200, 429}, ""},
		{"ip deny", "      ip: {deny: [192.0.2.0/24]}\n", 1, nil, []int{403}, ""},
		{"ip allow other", "      ip: {allow: [10.0.0.0/8]}\n", 1, nil, []int{403}, ""},
		{"client identity header stripped", "", 1, http.Header{IdentityHeader: {"forged"}}, []int{200}, "/api/users app="},
		{"request header set", "      request_headers: {set: {X-Gateway-App: nope}}\n", 1, nil, []int{200}, "/api/users app=nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := build(t, base+tt.mw)
			var got []int
			var body string
			for range tt.requests {
				rec := do(h, "GET", "/api/users", tt.header)
				got = append(got, rec.Code)
				body = rec.Body.String()
			}
			for i := range tt.want {
				if got[i] != tt.want[i] {
					t.Fatalf("statuses %v, want %v", got, tt.want)
				}
			}
			if tt.body != "" && body != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}
}

func TestAppsTokenFlowAndIdentity(t *testing.T) {
	s := secret.Generate()
	yaml := `
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
auth:
  jwt:
    keys: [{id: k1, algorithm: HS256, generate: true}]
apps: [{id: shop, secret_hash: "` + secret.Hash(s) + `", qps: 100, daily_quota: 2}]
services: [{name: api, targets: [{addr: "127.0.0.1:1"}]}]
routes:
  - name: api
    path_prefix: /api
    service: api
    middleware:
      auth: {apps: {}}
`
	f, shared, b := prepare(t, yaml)
	token, _, err := b.IssueToken("shop")
	if err != nil {
		t.Fatal(err)
	}
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Header.Get(IdentityHeader)) })
	h, err := b.Route(f.Config.Routes[0], up, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec := do(h, "GET", "/api/x", nil); rec.Code != 401 {
		t.Errorf("no token: %d, want 401", rec.Code)
	}
	auth := http.Header{"Authorization": {"Bearer " + token}}
	for i, want := range []int{200, 200, 429} { // daily quota of 2
		rec := do(h, "GET", "/api/x", auth)
		if rec.Code != want {
			t.Fatalf("request %d: %d, want %d", i+1, rec.Code, want)
		}
		if want == 200 && rec.Body.String() != "shop" {
			t.Errorf("upstream saw app %q, want shop", rec.Body.String())
		}
	}
	if c := shared.Stats.Counter("app:shop").Total(); c < 2 {
		t.Errorf("app counter %d, want the app's requests counted", c)
	}
}
