package apps_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/quota"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/secret"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// fixture is a gateway with a token endpoint at /oauth/tokens and a protected /api.
type fixture struct {
	srv      *httptest.Server
	registry *apps.Registry
	signer   *jwtauth.Signer
	secrets  map[string]string // app id -> plain secret, known only to the "app"
}

func newFixture(tb testing.TB, gateCfg apps.GateConfig, list ...apps.App) *fixture {
	tb.Helper()
	f := &fixture{secrets: map[string]string{}}
	for i := range list {
		s := secret.Generate()
		f.secrets[list[i].ID] = s
		list[i].SecretHash = secret.Hash(s)
	}
	var err error
	if f.registry, err = apps.NewRegistry(list); err != nil {
		tb.Fatal(err)
	}
	key := []byte(secret.Generate()) // 43 bytes: a fresh HS256 key per test
	signer, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key: jwtauth.SigningKey{ID: "k1", Algorithm: jwtauth.HS256, Secret: key}, Issuer: "gw", Audience: "services", Now: clock,
	})
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys: []jwtauth.Key{{ID: "k1", Algorithm: jwtauth.HS256, Secret: key}}, Issuer: "gw", Audience: "services", Now: clock,
	})
	if err != nil {
		tb.Fatal(err)
	}
	f.signer = signer
	gateCfg.Registry = f.registry
	gate, err := apps.NewGate(gateCfg)
	if err != nil {
		tb.Fatal(err)
	}
	tokens, err := apps.NewTokenHandler(apps.TokenConfig{Registry: f.registry, Signer: signer})
	if err != nil {
		tb.Fatal(err)
	}
	api, err := apps.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := identity.From(r.Context())
		_, _ = io.WriteString(w, "hello "+id.App)
	}), apps.Config{Verifier: verifier, Gate: gate})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/oauth/tokens", tokens)
	mux.Handle("/api", api)
	h, err := clientip.New(mux, clientip.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	f.srv = testhttp.Serve(tb, h)
	return f
}

func (f *fixture) post(tb testing.TB, path string, header http.Header, form string) testhttp.Response {
	tb.Helper()
	return testhttp.Form(tb, f.srv.URL+path, header, form)
}

// token runs the client-credentials flow for app id and returns the access token.
func (f *fixture) token(tb testing.TB, id string) string {
	tb.Helper()
	res := f.post(tb, "/oauth/tokens", basic(id, f.secrets[id]), "grant_type=client_credentials")
	if res.Status != 200 {
		tb.Fatalf("token for %s: %d %s", id, res.Status, res.Body)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal([]byte(res.Body), &tr); err != nil {
		tb.Fatal(err)
	}
	if tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 || res.Header.Get("Cache-Control") != "no-store" {
		tb.Fatalf("token response %+v, Cache-Control %q", tr, res.Header.Get("Cache-Control"))
	}
	return tr.AccessToken
}

func (f *fixture) call(tb testing.TB, token string) testhttp.Response {
	tb.Helper()
	var h http.Header
	if token != "" {
		h = http.Header{"Authorization": {"Bearer " + token}}
	}
	return testhttp.Get(tb, f.srv.URL+"/api", h)
}

func basic(id, secret string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))}}
}

func TestTokenEndpoint(t *testing.T) {
	f := newFixture(t, apps.GateConfig{},
		apps.App{ID: "app_a"},
		apps.App{ID: "app_office", AllowedIPs: []string{"10.0.0.0/8"}},
	)
	tests := []struct {
		name       string
		method     string
		body       string
		header     http.Header
		wantStatus int
		wantError  string
	}{
		{"GET", http.MethodGet, "", basic("app_a", f.secrets["app_a"]), 405, "invalid_request"},
		{"no grant type", http.MethodPost, "scope=x", basic("app_a", f.secrets["app_a"]), 400, "unsupported_grant_type"},
		{"password grant", http.MethodPost, "grant_type=password", basic("app_a", f.secrets["app_a"]), 400, "unsupported_grant_type"},
		{"no credentials", http.MethodPost, "grant_type=client_credentials", nil, 401, "invalid_client"},
		{"wrong secret", http.MethodPost, "grant_type=client_credentials", basic("app_a", "md5-of-app_a"), 401, "invalid_client"},
		{"unknown app", http.MethodPost, "grant_type=client_credentials", basic("app_x", f.secrets["app_a"]), 401, "invalid_client"},
		{"body too large", http.MethodPost, "grant_type=client_credentials&pad=" + strings.Repeat("x", 5000), basic("app_a", f.secrets["app_a"]), 400, "invalid_request"},
		{"address not allowed", http.MethodPost, "grant_type=client_credentials", basic("app_office", f.secrets["app_office"]), 403, "access_denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			res := testhttp.Do(t, tt.method, f.srv.URL+"/oauth/tokens", h, strings.NewReader(tt.body))
			var body struct{ Error string }
			if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
				t.Fatalf("body %q: %v", res.Body, err)
			}
			if res.Status != tt.wantStatus || body.Error != tt.wantError {
				t.Errorf("got %d %q; want %d %q", res.Status, body.Error, tt.wantStatus, tt.wantError)
			}
			if res.Status == 401 && res.Header.Get("WWW-Authenticate") != `Basic realm="gateway"` {
				t.Errorf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if tok := f.token(t, "app_a"); len(strings.Split(tok, ".")) != 3 {
		t.Errorf("access token %q is not a JWS", tok)
	}
}

func TestProtectedRoute(t *testing.T) {
	f := newFixture(t, apps.GateConfig{}, apps.App{ID: "app_a"}, apps.App{ID: "app_b"})
	tokA := f.token(t, "app_a")
	if res := f.call(t, tokA); res.Status != 200 || res.Body != "hello app_a" {
		t.Fatalf("app_a: %d %q; want 200 hello app_a", res.Status, res.Body)
	}
	if res := f.call(t, ""); res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d; want 401 with a challenge", res.Status)
	}
	if res := f.call(t, tokA[:len(tokA)-2]+"xx"); res.Status != 401 {
		t.Errorf("tampered token: %d; want 401", res.Status)
	}
	// Deleting app_a from config revokes its live tokens at once.
	if err := f.registry.Replace([]apps.App{{ID: "app_b", SecretHash: secret.Hash(f.secrets["app_b"])}}); err != nil {
		t.Fatal(err)
	}
	if res := f.call(t, tokA); res.Status != 401 {
		t.Errorf("token of a deleted app: %d; want 401", res.Status)
	}
}

func TestAppLimits(t *testing.T) {
	f := newFixture(t, apps.GateConfig{
		Limiter:  ratelimit.NewLocal(ratelimit.LocalConfig{Now: clock}),
		Calendar: quota.Calendar{Location: time.UTC, Now: clock},
	},
		apps.App{ID: "app_qps", QPS: 2},        // burst defaults to 2
		apps.App{ID: "app_qpd", DailyQuota: 3}, // the course's qpd
	)
	t.Run("QPS", func(t *testing.T) {
		tok := f.token(t, "app_qps")
		got := []int{f.call(t, tok).Status, f.call(t, tok).Status, f.call(t, tok).Status}
		if got[0] != 200 || got[1] != 200 || got[2] != 429 {
			t.Errorf("statuses %v; want [200 200 429]", got)
		}
	})
	t.Run("daily quota", func(t *testing.T) {
		tok := f.token(t, "app_qpd")
		var last testhttp.Response
		for range 4 {
			last = f.call(t, tok)
		}
		// 12:00 UTC: the quota resets at midnight, 12 hours away.
		if last.Status != 429 || last.Header.Get("Retry-After") != "43200" {
			t.Errorf("4th call: %d Retry-After %q; want 429 and 43200", last.Status, last.Header.Get("Retry-After"))
		}
	})
}

func TestAllowedIPs(t *testing.T) {
	f := newFixture(t, apps.GateConfig{},
		apps.App{ID: "app_lan", AllowedIPs: []string{"10.0.0.0/8"}},
		apps.App{ID: "app_local", AllowedIPs: []string{"127.0.0.0/8", "::1"}},
	)
	if res := f.call(t, f.token(t, "app_local")); res.Status != 200 {
		t.Errorf("app calling from an allowed network: %d; want 200", res.Status)
	}
	// app_lan cannot get a token from 127.0.0.1 (TestTokenEndpoint); a token it got on
	// its LAN must still not work from here.
	tok, _, err := f.signer.Sign("app_lan", "")
	if err != nil {
		t.Fatal(err)
	}
	if res := f.call(t, tok); res.Status != 403 {
		t.Errorf("app calling from outside its networks: %d; want 403", res.Status)
	}
}

// brokenQuota stands in for Redis being down.
type brokenQuota struct{}

func (brokenQuota) Incr(context.Context, string) (int64, error) {
	return 0, errors.New("connection refused")
}

func TestQuotaStoreDown(t *testing.T) {
	for _, failClosed := range []bool{false, true} {
		want := map[bool]int{false: 200, true: 503}[failClosed]
		t.Run(http.StatusText(want), func(t *testing.T) {
			f := newFixture(t, apps.GateConfig{Quota: brokenQuota{}, QuotaFailClosed: failClosed}, apps.App{ID: "app_a", DailyQuota: 10})
			if res := f.call(t, f.token(t, "app_a")); res.Status != want {
				t.Errorf("status %d; want %d", res.Status, want)
			}
		})
	}
}

func TestRegistryValidation(t *testing.T) {
	h := secret.Hash("s")
	tests := []struct {
		name string
		apps []apps.App
		want string
	}{
		{"bad id", []apps.App{{ID: "app a", SecretHash: h}}, "ID"},
		{"plain-text secret", []apps.App{{ID: "a", SecretHash: "123456"}}, "SecretHash"},
		{"duplicate", []apps.App{{ID: "a", SecretHash: h}, {ID: "a", SecretHash: h}}, "duplicate"},
		{"bad CIDR", []apps.App{{ID: "a", SecretHash: h, AllowedIPs: []string{"10.0.0.0/99"}}}, "AllowedIPs"},
		{"negative quota", []apps.App{{ID: "a", SecretHash: h, DailyQuota: -1}}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := apps.NewRegistry(tt.apps); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRegistry error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	s := secret.Generate()
	r, err := apps.NewRegistry([]apps.App{{ID: "app_a", SecretHash: secret.Hash(s)}})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := r.Authenticate("app_a", s); err != nil || a.ID != "app_a" {
		t.Errorf("good secret: %v, %v", a, err)
	}
	for _, tc := range [][2]string{{"app_a", s + "x"}, {"app_a", ""}, {"nobody", s}} {
		if _, err := r.Authenticate(tc[0], tc[1]); !errors.Is(err, apps.ErrInvalidClient) {
			t.Errorf("Authenticate(%q, ...) = %v; want ErrInvalidClient", tc[0], err)
		}
	}
}
