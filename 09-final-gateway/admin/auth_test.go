package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/admin"
)

// every API endpoint, with a body where it takes one.
var endpoints = []struct{ method, path, body string }{
	{"GET", "/api/v1/config", ""},
	{"PUT", "/api/v1/config", `{}`},
	{"GET", "/api/v1/services", ""},
	{"POST", "/api/v1/services", `{"name":"x","targets":[{"addr":"127.0.0.1:1"}]}`},
	{"GET", "/api/v1/services/hello", ""},
	{"PUT", "/api/v1/services/hello", `{"targets":[{"addr":"127.0.0.1:1"}]}`},
	{"DELETE", "/api/v1/services/spare", ""},
	{"GET", "/api/v1/routes", ""},
	{"DELETE", "/api/v1/routes/hello", ""},
	{"GET", "/api/v1/apps", ""},
	{"POST", "/api/v1/apps", `{"id":"new"}`},
	{"DELETE", "/api/v1/apps/globex", ""},
	{"POST", "/api/v1/apps/acme/secret", ""},
	{"POST", "/api/v1/apps/acme/token", ""},
	{"GET", "/api/v1/health", ""},
	{"GET", "/api/v1/stats", ""},
	{"GET", "/api/v1/stats/hourly?counter=total", ""},
	{"GET", "/api/v1/instances", ""},
	{"POST", "/api/v1/reload", ""},
	{"GET", "/api/v1/session", ""},
	{"DELETE", "/api/v1/session", ""},
	{"GET", "/api/v1/no-such-thing", ""},
}

func TestEveryEndpointNeedsTheToken(t *testing.T) {
	e := newEnv(t)
	creds := []struct {
		name   string
		header string
	}{
		{"none", ""},
		{"wrong token", "Bearer not-the-token"},
		{"token prefix", "Bearer " + testToken[:10]},
		{"token plus more", "Bearer " + testToken + "x"},
		{"basic scheme", "Basic " + testToken},
		{"lowercase scheme", "bearer " + testToken},
	}
	for _, ep := range endpoints {
		for _, c := range creds {
			t.Run(ep.method+" "+ep.path+"/"+c.name, func(t *testing.T) {
				a := e.do(t, ep.method, ep.path, ep.body, "Authorization", c.header).want(t, http.StatusUnauthorized)
				if got := a.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q", got)
				}
				if body := decode[errorAnswer](t, a); !strings.Contains(body.Error, "admin token") {
					t.Errorf("error = %q", body.Error)
				}
			})
		}
	}
	t.Run("token in the query string is not accepted", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/config?token="+testToken, "", "Authorization", "").want(t, http.StatusUnauthorized)
	})
	if n := e.fake.applies(); n != 0 {
		t.Errorf("%d changes applied without a valid token", n)
	}
}

func TestMethodsAreEnforcedAndNoGETChangesAnything(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"rotate by GET", "GET", "/api/v1/apps/acme/secret", 405, "POST"},
		{"token by GET", "GET", "/api/v1/apps/acme/token", 405, "POST"},
		{"reload by GET", "GET", "/api/v1/reload", 405, "POST"},
		{"delete a list", "DELETE", "/api/v1/services", 405, "GET, POST, HEAD"},
		{"patch an item", "PATCH", "/api/v1/services/hello", 405, "GET, PUT, DELETE, HEAD"},
		{"post to health", "POST", "/api/v1/health", 405, "GET, HEAD"},
		{"put stats", "PUT", "/api/v1/stats", 405, "GET, HEAD"},
		{"unknown endpoint", "GET", "/api/v1/nothing/here", 404, ""},
		{"unknown version", "GET", "/api/v2/config", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, tt.method, tt.path, "").want(t, tt.wantStatus)
			if got := a.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
		})
	}
	_, before := e.fake.Config()
	for _, ep := range endpoints {
		if ep.method == "GET" {
			e.do(t, "GET", ep.path, "")
			e.do(t, "HEAD", ep.path, "")
		}
	}
	if _, after := e.fake.Config(); after != before || e.fake.applies() != 0 {
		t.Errorf("GET requests changed the configuration (%s -> %s, %d applies)", before, after, e.fake.applies())
	}
}

func TestAnswersAreNotCached(t *testing.T) {
	e := newEnv(t)
	a := e.do(t, "GET", "/api/v1/config", "").want(t, http.StatusOK)
	if got := a.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestNewRequiresBackendAndToken(t *testing.T) {
	fake := newFake(t)
	for name, opts := range map[string]admin.Options{
		"no backend": {Token: "x"},
		"no token":   {Backend: fake},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := admin.New(opts); err == nil {
				t.Error("New accepted incomplete options")
			}
		})
	}
}
