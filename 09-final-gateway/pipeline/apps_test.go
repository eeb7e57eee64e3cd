package pipeline

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/secret"
)

// appsYAML has two apps, each allowed one request a day and one a second: office may
// call from 10.0.0.0/8 only; other may call every route but /shop-only, which takes
// app shop alone.
var appsYAML = `
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
auth:
  jwt:
    keys: [{id: k1, algorithm: HS256, generate: true}]
apps:
  - {id: shop, secret_hash: "` + secret.Hash("unused") + `"}
  - {id: office, secret_hash: "` + secret.Hash("unused") + `", qps: 1, daily_quota: 1, allowed_ips: [10.0.0.0/8]}
  - {id: other, secret_hash: "` + secret.Hash("unused") + `", qps: 1, daily_quota: 1}
services: [{name: api, targets: [{addr: "127.0.0.1:1"}]}]
routes:
  - {name: open, path_prefix: /open, service: api, middleware: {auth: {apps: {}}}}
  - {name: shop-only, path_prefix: /shop-only, service: api, middleware: {auth: {apps: {allow: [shop]}}}}
`

// TestRefusedAppRequestsSpendNoQuota: a request refused with 403 — from an address
// the app may not use, or on a route that does not take the app — spends none of the
// app's QPS or daily quota: the app's next allowed request still passes.
func TestRefusedAppRequestsSpendNoQuota(t *testing.T) {
	f, _, b := prepare(t, appsYAML)
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	routes := map[string]http.Handler{}
	for _, rc := range f.Config.Routes {
		var err error
		if routes[rc.Name], err = b.Route(rc, up, nil); err != nil {
			t.Fatal(err)
		}
	}
	send := func(t *testing.T, route, app, from string) int {
		t.Helper()
		token, _, err := b.IssueToken(app)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "http://gw/"+route+"/x", nil)
		r.RemoteAddr = from + ":5000"
		r.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		routes[route].ServeHTTP(rec, r)
		return rec.Code
	}
	steps := []struct {
		name                string
		refused, then, last step
	}{
		{"address not in the app's allowed_ips", step{"open", "office", "192.0.2.10", 403},
			step{"open", "office", "10.1.2.3", 200}, step{"open", "office", "10.1.2.3", 429}},
		{"app not allowed on the route", step{"shop-only", "other", "192.0.2.10", 403},
			step{"open", "other", "192.0.2.10", 200}, step{"open", "other", "192.0.2.10", 429}},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				if got := send(t, tt.refused.route, tt.refused.app, tt.refused.from); got != tt.refused.want {
					t.Fatalf("refused request: %d, want %d", got, tt.refused.want)
				}
			}
			if got := send(t, tt.then.route, tt.then.app, tt.then.from); got != tt.then.want {
				t.Fatalf("allowed request after the refusals: %d, want %d (the refusals spent the app's quota)", got, tt.then.want)
			}
			// The quota is real: the app's second request of the day is refused.
			if got := send(t, tt.last.route, tt.last.app, tt.last.from); got != tt.last.want {
				t.Fatalf("second allowed request: %d, want %d", got, tt.last.want)
			}
		})
	}
}

// step is one request: on route, with a token of app, from address, and the status
// it must get.
type step struct {
	route, app, from string
	want             int
}
