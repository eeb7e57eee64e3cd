package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testAuth: JWT (HS256, key from the environment), API keys, and apps with the token
// endpoint, QPS, daily quota, allowed networks and per-route allow lists. The gateway
// tells the upstream who called in X-Gateway-App, and never passes on a client's own.
func testAuth(t *testing.T, e *featuresEnv) {
	t.Run("jwt", func(t *testing.T) { testJWT(t, e) })
	t.Run("api_key", func(t *testing.T) {
		wantStatus(t, e.web.Get(t, "/key/x"), 401)
		wantStatus(t, e.web.Do(t, req{Path: "/key/x", Header: hdr("X-API-Key", "wrong")}), 401)
		res := e.web.Do(t, req{Path: "/key/x", Header: hdr("X-API-Key", apiKey, "X-Gateway-App", "spoofed")})
		wantStatus(t, res, 200)
		if got := res.Answer(t).Header.Values("X-Gateway-App"); len(got) != 1 || got[0] != "tenant-a" {
			t.Fatalf("backend received X-Gateway-App %q, want the key's app tenant-a", got)
		}
	})
	t.Run("token_endpoint", func(t *testing.T) {
		wantStatus(t, tokenRequest(t, e.web, "app-fast", "wrong-secret", "client_credentials"), 401)
		wantStatus(t, tokenRequest(t, e.web, "app-fast", appFastSecret, "password"), 400)
		wantStatus(t, e.web.Get(t, "/oauth/tokens"), 405)
		res := tokenRequest(t, e.web, "app-fast", appFastSecret, "client_credentials")
		wantStatus(t, res, 200)
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.Unmarshal([]byte(res.Body), &tok); err != nil || tok.AccessToken == "" ||
			tok.TokenType != "Bearer" || tok.ExpiresIn != 600 { // auth.token_ttl: 10m
			t.Fatalf("token response %q (%v)", res.Body, err)
		}
	})
	t.Run("app_daily_quota", func(t *testing.T) {
		token := appToken(t, e.web, "app-fast", appFastSecret)
		wantStatus(t, e.web.Get(t, "/apps/x"), 401)
		for range 3 {
			res := e.web.Do(t, req{Path: "/apps/x", Header: hdr("Authorization", "Bearer "+token, "X-Gateway-App", "app-slow")})
			wantStatus(t, res, 200)
			if got := res.Answer(t).Header.Values("X-Gateway-App"); len(got) != 1 || got[0] != "app-fast" {
				t.Fatalf("backend received X-Gateway-App %q, want app-fast", got)
			}
		}
		res := e.web.Do(t, req{Path: "/apps/x", Header: hdr("Authorization", "Bearer "+token)})
		wantStatus(t, res, 429)
		wantRetryAfter(t, res, 1, 86400)
	})
	t.Run("app_qps_and_allow_list", func(t *testing.T) {
		slow := appToken(t, e.web, "app-slow", appSlowSecret)
		other := appToken(t, e.web, "app-other", appOtherSecret)
		wantStatus(t, e.web.Do(t, req{Path: "/only-slow/x", Header: hdr("Authorization", "Bearer "+other)}), 403)
		wantStatus(t, e.web.Do(t, req{Path: "/only-slow/x", Header: hdr("Authorization", "Bearer "+slow)}), 200)
		wantStatus(t, e.web.Do(t, req{Path: "/apps/x", Header: hdr("Authorization", "Bearer "+slow)}), 200)
		res := e.web.Do(t, req{Path: "/apps/x", Header: hdr("Authorization", "Bearer "+slow)})
		wantStatus(t, res, 429) // burst 2 spent, 0.05 per second
		wantRetryAfter(t, res, 1, 20)
	})
	t.Run("app_allowed_ips", func(t *testing.T) {
		wantStatus(t, tokenRequest(t, e.web, "app-far", appFarSecret, "client_credentials"), 403)
		far := hdr("X-Forwarded-For", "10.1.2.3")
		res := tokenRequestFrom(t, e.trusted, "app-far", appFarSecret, far)
		wantStatus(t, res, 200)
		token := accessToken(t, res)
		far.Set("Authorization", "Bearer "+token)
		wantStatus(t, e.trusted.Do(t, req{Path: "/apps/x", Header: far}), 200)
		wantStatus(t, e.web.Do(t, req{Path: "/apps/x", Header: hdr("Authorization", "Bearer "+token)}), 403)
	})
	t.Run("identity_header_stripped_without_auth", func(t *testing.T) {
		res := e.web.Do(t, req{Path: "/echo/x", Header: hdr("X-Gateway-App", "admin")})
		wantStatus(t, res, 200)
		if got := res.Answer(t).Header.Get("X-Gateway-App"); got != "" {
			t.Fatalf("a client set X-Gateway-App %q and the backend received it", got)
		}
	})
}

func testJWT(t *testing.T, e *featuresEnv) {
	valid := jwt.MapClaims{"iss": "gatewaylab", "aud": "e2e", "sub": "alice", "exp": time.Now().Add(time.Hour).Unix()}
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"missing", "", 401},
		{"valid", signHS256(t, jwtSecret, valid), 200},
		{"other key", signHS256(t, "another-secret-another-secret-another", valid), 401},
		{"wrong audience", signHS256(t, jwtSecret, with(valid, "aud", "elsewhere")), 401},
		{"wrong issuer", signHS256(t, jwtSecret, with(valid, "iss", "mallory")), 401},
		{"expired", signHS256(t, jwtSecret, with(valid, "exp", time.Now().Add(-time.Hour).Unix())), 401},
		{"no expiry", signHS256(t, jwtSecret, with(valid, "exp", nil)), 401},
		{"alg none", noneToken(t, valid), 401},
		{"app token has the apps audience", appToken(t, e.web, "app-other", appOtherSecret), 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := hdr("X-Gateway-App", "root")
			if tc.token != "" {
				h.Set("Authorization", "Bearer "+tc.token)
			}
			res := e.web.Do(t, req{Path: "/jwt/x", Header: h})
			wantStatus(t, res, tc.status)
			if tc.status == 401 && res.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("401 without WWW-Authenticate")
			}
			if tc.status == 200 {
				if got := res.Answer(t).Header.Values("X-Gateway-App"); len(got) != 1 || got[0] != "alice" {
					t.Fatalf("backend received X-Gateway-App %q, want the subject alice", got)
				}
			}
		})
	}
}

// with returns a copy of c with key set (or removed when v is nil).
func with(c jwt.MapClaims, key string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, x := range c {
		out[k] = x
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

func signHS256(t *testing.T, secret string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = "e2e"
	s, err := tok.SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func noneToken(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tokenRequest asks the token endpoint for a token with HTTP Basic app:secret.
func tokenRequest(t *testing.T, c *client, app, secret, grant string) response {
	t.Helper()
	return c.Do(t, req{Method: "POST", Path: "/oauth/tokens", Body: url.Values{"grant_type": {grant}}.Encode(),
		Header: basicAuth(app, secret)})
}

func tokenRequestFrom(t *testing.T, c *client, app, secret string, extra http.Header) response {
	t.Helper()
	h := basicAuth(app, secret)
	for k, vs := range extra {
		h[k] = vs
	}
	return c.Do(t, req{Method: "POST", Path: "/oauth/tokens", Body: "grant_type=client_credentials", Header: h})
}

func basicAuth(app, secret string) http.Header {
	r, _ := http.NewRequest(http.MethodPost, "http://x/", nil) // a constant URL cannot fail
	r.SetBasicAuth(app, secret)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.Header
}

// appToken gets an app token from the token endpoint.
func appToken(t *testing.T, c *client, app, secret string) string {
	t.Helper()
	res := tokenRequest(t, c, app, secret, "client_credentials")
	wantStatus(t, res, 200)
	return accessToken(t, res)
}

func accessToken(t *testing.T, res response) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(res.Body), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token response %q: %v", res.Body, err)
	}
	return tok.AccessToken
}

// wantRetryAfter checks a refusal's Retry-After seconds.
func wantRetryAfter(t *testing.T, res response, lo, hi int) {
	t.Helper()
	s, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || s < lo || s > hi {
		t.Fatalf("Retry-After %q, want %d..%d seconds", res.Header.Get("Retry-After"), lo, hi)
	}
}
