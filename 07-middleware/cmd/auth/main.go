// Command auth demonstrates authentication (权限认证) at the gateway: apps (tenants) get
// a JWT from a client-credentials token endpoint (the course's POST /oauth/tokens) and
// call a protected route with it; a route needing a scope answers 403; an IP allow list
// and an API-key route complete the picture.
//
//	go run ./07-middleware/cmd/auth
//
// Every key and secret is generated at start and printed: none of them works anywhere
// but in this process. It plays a short scripted tour, then serves until Ctrl-C.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/internal/demo"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/secret"
)

var addr = flag.String("addr", "127.0.0.1:8080", "gateway listen address")

// creds are the demo's freshly generated secrets.
type creds struct {
	signingKey, appSecret, officeSecret, apiKey string
}

func main() {
	flag.Parse()
	demo.Main("auth", run)
}

func run(ctx context.Context) error {
	c := creds{signingKey: secret.Generate(), appSecret: secret.Generate(), officeSecret: secret.Generate(), apiKey: secret.Generate()}
	fmt.Printf("demo-only secrets, generated now (valid only in this process):\n"+
		"  JWT signing key (HS256): %s\n  app demo_app secret:     %s\n  API key (reports):       %s\n",
		c.signingKey, c.appSecret, c.apiKey)
	upstream, err := demo.Start(ctx, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream: hello, you reached %s", r.URL.Path)
	}))
	if err != nil {
		return err
	}
	defer upstream.Stop()
	h, err := gateway(upstream.URL, c)
	if err != nil {
		return err
	}
	return demo.Gateway(ctx, *addr, upstream.URL, h, func(base string) error { return tour(ctx, base, c) }, func(base string) { tryNext(base, c) })
}

func gateway(upstreamURL string, c creds) (http.Handler, error) {
	proxy, err := demo.Proxy(upstreamURL)
	if err != nil {
		return nil, err
	}
	registry, err := apps.NewRegistry([]apps.App{
		{ID: "demo_app", Name: "Demo app", SecretHash: secret.Hash(c.appSecret), QPS: 2, Burst: 4, DailyQuota: 1000,
			AllowedIPs: []string{"127.0.0.0/8", "::1"}},
		{ID: "office_app", Name: "Office-only app", SecretHash: secret.Hash(c.officeSecret), AllowedIPs: []string{"10.0.0.0/8"}},
	})
	if err != nil {
		return nil, err
	}
	key := jwtauth.Key{ID: "demo-1", Algorithm: jwtauth.HS256, Secret: []byte(c.signingKey)}
	signer, err := jwtauth.NewSigner(jwtauth.SignerConfig{
		Key:    jwtauth.SigningKey{ID: key.ID, Algorithm: key.Algorithm, Secret: key.Secret},
		Issuer: "gatewaylab-demo", Audience: "demo-services", TTL: 10 * time.Minute,
	})
	if err != nil {
		return nil, err
	}
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{Keys: []jwtauth.Key{key}, Issuer: "gatewaylab-demo", Audience: "demo-services", Leeway: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	gate, err := apps.NewGate(apps.GateConfig{Registry: registry})
	if err != nil {
		return nil, err
	}
	tokens, err := apps.NewTokenHandler(apps.TokenConfig{Registry: registry, Signer: signer})
	if err != nil {
		return nil, err
	}
	routes := map[string]chain.Chain{
		"/api/":      chain.New(chain.Use(apps.New, apps.Config{Verifier: verifier, Gate: gate})),
		"/admin/":    chain.New(chain.Use(jwtauth.New, jwtauth.Config{Verifier: verifier, RequiredScopes: []string{"admin"}})),
		"/internal/": chain.New(chain.Use(ipfilter.New, ipfilter.Config{Allow: []string{"10.0.0.0/8"}})),
		"/reports/":  chain.New(chain.Use(apikey.New, apikey.Config{Keys: []apikey.Key{{Name: "reporting-bot", Hash: secret.Hash(c.apiKey)}}})),
	}
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/tokens", tokens)
	for pattern, ch := range routes {
		h, err := ch.Then(proxy)
		if err != nil {
			return nil, err
		}
		mux.Handle(pattern, h)
	}
	return clientip.New(mux, clientip.Config{})
}

func tour(ctx context.Context, base string, c creds) error {
	demo.Step(1, "demo_app asks for a token: POST /oauth/tokens with Basic base64(app_id:secret)")
	token, err := getToken(ctx, base, "demo_app", c.appSecret)
	if err != nil {
		return err
	}
	steps := []struct {
		title  string
		method string
		path   string
		header http.Header
		body   string
	}{
		{"no token on a protected route", "GET", "/api/orders", nil, ""},
		{"with the token", "GET", "/api/orders", bearer(token), ""},
		{"a tampered token", "GET", "/api/orders", bearer(token[:len(token)-4] + "AAAA"), ""},
		{"a wrong secret at the token endpoint", "POST", "/oauth/tokens", basic("demo_app", "md5(demo_app)"), "grant_type=client_credentials"},
		{"office_app may only get tokens from 10.0.0.0/8", "POST", "/oauth/tokens", basic("office_app", c.officeSecret), "grant_type=client_credentials"},
		{"a valid token without the admin scope: 403, not 401", "GET", "/admin/users", bearer(token), ""},
		{"IP allow list 10.0.0.0/8 seen from 127.0.0.1", "GET", "/internal/metrics", nil, ""},
		{"API key route with the key", "GET", "/reports/daily", http.Header{"X-Api-Key": {c.apiKey}}, ""},
		{"API key route without it", "GET", "/reports/daily", nil, ""},
	}
	for i, s := range steps {
		demo.Step(i+2, "%s: %s %s", s.title, s.method, s.path)
		if err := show(ctx, s.method, base+s.path, s.header, s.body); err != nil {
			return err
		}
	}
	demo.Step(len(steps)+2, "demo_app's own limit (2/s, burst 4): 5 quick calls")
	for range 5 {
		if err := show(ctx, "GET", base+"/api/orders", bearer(token), ""); err != nil {
			return err
		}
	}
	return nil
}

func getToken(ctx context.Context, base, id, appSecret string) (string, error) {
	r, err := demo.Do(ctx, http.MethodPost, base+"/oauth/tokens", form(basic(id, appSecret)), "grant_type=client_credentials")
	if err != nil {
		return "", err
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal([]byte(r.Body), &tr); err != nil || r.Status != http.StatusOK {
		return "", fmt.Errorf("token endpoint: %d %s (%v)", r.Status, r.Body, err)
	}
	fmt.Printf("   %d token_type=%s expires_in=%d access_token=%s...\n", r.Status, tr.TokenType, tr.ExpiresIn, tr.AccessToken[:40])
	claims, err := base64.RawURLEncoding.DecodeString(strings.Split(tr.AccessToken, ".")[1])
	if err != nil {
		return "", err
	}
	fmt.Printf("   claims: %s\n", claims)
	return tr.AccessToken, nil
}

func show(ctx context.Context, method, url string, h http.Header, body string) error {
	if body != "" {
		h = form(h)
	}
	r, err := demo.Do(ctx, method, url, h, body)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("   %d %s", r.Status, r.Body)
	if ch := r.Header.Get("WWW-Authenticate"); ch != "" {
		line += "\n      WWW-Authenticate: " + ch
	}
	if ra := r.Header.Get("Retry-After"); ra != "" {
		line += "  (Retry-After: " + ra + ")"
	}
	fmt.Println(line)
	return nil
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func basic(id, s string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+s))}}
}

func form(h http.Header) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

func tryNext(base string, c creds) {
	fmt.Printf(`
Serving until Ctrl-C. Try:
  TOKEN=$(curl -s -u demo_app:%[2]s -d grant_type=client_credentials %[1]s/oauth/tokens | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -i -H "Authorization: Bearer $TOKEN" %[1]s/api/orders
  curl -i %[1]s/api/orders
  curl -i -H "Authorization: Bearer $TOKEN" %[1]s/admin/users
  curl -i -H "X-API-Key: %[3]s" %[1]s/reports/daily
`, base, c.appSecret, c.apiKey)
}
