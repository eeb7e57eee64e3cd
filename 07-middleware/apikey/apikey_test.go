package apikey_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/secret"
)

func TestAPIKey(t *testing.T) {
	key := secret.Generate()
	srv := testhttp.Serve(t, testhttp.Build(t, apikey.New, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.From(r.Context())
		w.Header().Set("X-Caller", id.Subject+"/"+id.App)
		_, _ = io.WriteString(w, "upstream saw key header: "+r.Header.Get("X-API-Key"))
	}), apikey.Config{Keys: []apikey.Key{{Name: "ci-bot", App: "app_ci", Hash: secret.Hash(key)}}}))

	tests := []struct {
		name, key  string
		wantStatus int
		wantCaller string
		wantBody   string
	}{
		{"no key", "", 401, "", "missing or unknown API key\n"},
		{"wrong key", key + "x", 401, "", "missing or unknown API key\n"},
		{"the hash itself is not a key", secret.Hash(key), 401, "", "missing or unknown API key\n"},
		{"good key, stripped before upstream", key, 200, "ci-bot/app_ci", "upstream saw key header: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h http.Header
			if tt.key != "" {
				h = http.Header{"X-Api-Key": {tt.key}}
			}
			r := testhttp.Get(t, srv.URL, h)
			if r.Status != tt.wantStatus || r.Header.Get("X-Caller") != tt.wantCaller || r.Body != tt.wantBody {
				t.Errorf("got %d %q %q; want %d %q %q", r.Status, r.Header.Get("X-Caller"), r.Body, tt.wantStatus, tt.wantCaller, tt.wantBody)
			}
			if tt.wantStatus == 401 && r.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestStoreRejectsBadConfig(t *testing.T) {
	h := secret.Hash("k")
	tests := []struct {
		name string
		keys []apikey.Key
		want string
	}{
		{"plain-text key", []apikey.Key{{Name: "a", Hash: "k"}}, "Hash"},
		{"no name", []apikey.Key{{Hash: h}}, "Name"},
		{"duplicate", []apikey.Key{{Name: "a", Hash: h}, {Name: "b", Hash: h}}, "same key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := apikey.NewStore(tt.keys); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewStore error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}
