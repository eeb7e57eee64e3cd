package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/admin"
)

// login logs in and returns the session cookie and the CSRF token.
func (e *env) login(tb testing.TB) (*http.Cookie, string) {
	tb.Helper()
	a := e.do(tb, "POST", "/api/v1/session", `{"token": "`+testToken+`"}`, "Authorization", "").want(tb, http.StatusCreated)
	if len(a.cookie) != 1 {
		tb.Fatalf("cookies %v", a.cookie)
	}
	return a.cookie[0], decode[map[string]string](tb, a)["csrf"]
}

func TestLoginCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		name := map[bool]string{false: "plain http", true: "tls"}[secure]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(o *admin.Options) { o.Secure = secure })
			c, csrf := e.login(t)
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure != secure || c.MaxAge != 8*3600 {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, Secure=%v, 8h", c, secure)
			}
			if secure != strings.HasPrefix(c.Name, "__Host-") {
				t.Errorf("cookie name %q", c.Name)
			}
			if len(csrf) < 20 || len(c.Value) < 20 || csrf == c.Value {
				t.Errorf("csrf %q cookie %q: want two different random tokens", csrf, c.Value)
			}
		})
	}
}

func TestLoginRefused(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, body string
		hdr        []string
		want       int
	}{
		{"wrong token", `{"token": "guess"}`, nil, http.StatusUnauthorized},
		{"empty token", `{"token": ""}`, nil, http.StatusUnauthorized},
		{"not JSON", `token=x`, nil, http.StatusBadRequest},
		{"form post", `token=` + testToken, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"from another site", `{"token": "` + testToken + `"}`, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "POST", "/api/v1/session", tt.body, append([]string{"Authorization", ""}, tt.hdr...)...).want(t, tt.want)
			if len(a.cookie) != 0 {
				t.Errorf("a refused login set cookies %v", a.cookie)
			}
		})
	}
}

func TestLoginsAreThrottledAfterFailures(t *testing.T) {
	e := newEnv(t)
	for range 10 {
		e.do(t, "POST", "/api/v1/session", `{"token": "guess"}`, "Authorization", "").want(t, http.StatusUnauthorized)
	}
	// Even the right token is refused now: otherwise guessing would go on at full speed.
	e.do(t, "POST", "/api/v1/session", `{"token": "`+testToken+`"}`, "Authorization", "").want(t, http.StatusTooManyRequests)
	// Scripts with the bearer token are not locked out.
	e.do(t, "GET", "/api/v1/config", "").want(t, http.StatusOK)
}

func TestSessionChangesNeedCSRF(t *testing.T) {
	e := newEnv(t)
	c, csrf := e.login(t)
	cookie := c.Name + "=" + c.Value
	create := `{"name": "shop", "targets": [{"addr": "127.0.0.1:9100"}]}`
	asSession := func(hdr ...string) []string {
		return append([]string{"Authorization", "", "Cookie", cookie}, hdr...)
	}

	e.do(t, "GET", "/api/v1/services", "", asSession()...).want(t, http.StatusOK)
	who := decode[map[string]string](t, e.do(t, "GET", "/api/v1/session", "", asSession()...).want(t, http.StatusOK))
	if who["csrf"] != csrf || !strings.HasPrefix(who["who"], "session ") {
		t.Errorf("session info %v", who)
	}

	refused := []struct {
		name string
		hdr  []string
	}{
		{"no CSRF token", nil},
		{"wrong CSRF token", []string{"X-CSRF-Token", "x" + csrf[1:]}},
		{"another origin", []string{"X-CSRF-Token", csrf, "Origin", "http://127.0.0.1:8080"}},
		{"another site", []string{"X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site"}},
		{"same site, other origin", []string{"X-CSRF-Token", csrf, "Sec-Fetch-Site", "same-site"}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, "POST", "/api/v1/services", create, asSession(tt.hdr...)...).want(t, http.StatusForbidden)
		})
	}
	if e.fake.applies() != 0 {
		t.Fatal("a change without a valid CSRF token was applied")
	}
	e.do(t, "POST", "/api/v1/services", create, asSession("X-CSRF-Token", csrf, "Origin", e.srv.URL, "Sec-Fetch-Site", "same-origin")...).
		want(t, http.StatusCreated)

	t.Run("logout ends the session", func(t *testing.T) {
		a := e.do(t, "DELETE", "/api/v1/session", "", asSession("X-CSRF-Token", csrf)...).want(t, http.StatusNoContent)
		if len(a.cookie) != 1 || a.cookie[0].MaxAge >= 0 {
			t.Errorf("logout cookies %v: want the cookie cleared", a.cookie)
		}
		e.do(t, "GET", "/api/v1/services", "", asSession()...).want(t, http.StatusUnauthorized)
	})
	t.Run("a forged cookie is refused", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/services", "", "Authorization", "", "Cookie", c.Name+"=forged").want(t, http.StatusUnauthorized)
	})
}
