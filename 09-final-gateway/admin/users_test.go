package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"gatewaylab/09-final-gateway/config"
)

// The users' passwords, hashed once for the package: a bcrypt hash takes most of a
// second under -race. Cost 10 is the lowest the configuration accepts.
const alicePassword, aliceNewPassword = "alice-Pa55word", "alice-n3w-Password"

var userHashes = sync.OnceValues(func() ([2]string, error) {
	var out [2]string
	for i, pw := range []string{alicePassword, aliceNewPassword} {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
		if err != nil {
			return out, err
		}
		out[i] = string(h)
	}
	return out, nil
})

// setUsers makes users the configuration's admin.users, as a reload would.
func (e *env) setUsers(tb testing.TB, users ...config.AdminUser) {
	tb.Helper()
	cfg, v := e.fake.Config()
	next := *cfg
	next.Admin.Users = slices.Clone(users)
	if _, err := e.fake.Apply(tb.Context(), &next, v); err != nil {
		tb.Fatal(err)
	}
}

// alice is user alice with the password hash i of userHashes.
func alice(tb testing.TB, i int) config.AdminUser {
	tb.Helper()
	hashes, err := userHashes()
	if err != nil {
		tb.Fatal(err)
	}
	return config.AdminUser{Name: "alice", PasswordHash: hashes[i]}
}

// userLogin posts a user login and returns the answer.
func (e *env) userLogin(tb testing.TB, name, pw string) answer {
	tb.Helper()
	body := `{"user": "` + name + `", "password": "` + pw + `"}`
	return e.do(tb, "POST", "/api/v1/session", body, "Authorization", "")
}

func TestUserLoginStartsASession(t *testing.T) {
	e := newEnv(t)
	e.setUsers(t, alice(t, 0))
	a := e.userLogin(t, "alice", alicePassword).want(t, http.StatusCreated)
	if len(a.cookie) != 1 || !a.cookie[0].HttpOnly || a.cookie[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies %v: want one HttpOnly SameSite=Strict session cookie, as for the token", a.cookie)
	}
	info := decode[map[string]string](t, a)
	if !strings.HasPrefix(info["who"], "user alice (session ") || len(info["csrf"]) < 20 {
		t.Errorf("session info %v", info)
	}
	cookie := a.cookie[0].Name + "=" + a.cookie[0].Value
	asAlice := func(hdr ...string) []string {
		return append([]string{"Authorization", "", "Cookie", cookie}, hdr...)
	}

	e.do(t, "GET", "/api/v1/services", "", asAlice()...).want(t, http.StatusOK)
	create := `{"name": "shop", "targets": [{"addr": "127.0.0.1:9100"}]}`
	e.do(t, "POST", "/api/v1/services", create, asAlice()...).want(t, http.StatusForbidden) // no CSRF token
	e.do(t, "POST", "/api/v1/services", create, asAlice("X-CSRF-Token", info["csrf"])...).want(t, http.StatusCreated)

	var audited bool
	for _, rec := range e.logs.lines(t) {
		audited = audited || (rec["msg"] == "admin change" && strings.HasPrefix(rec["who"].(string), "user alice"))
	}
	if !audited {
		t.Error("the change was not audited as user alice's")
	}
	e.wantNoPasswordInLogs(t, alicePassword)
}

func TestUserLoginRefused(t *testing.T) {
	e := newEnv(t)
	e.setUsers(t, alice(t, 0))
	wrong := e.userLogin(t, "alice", "guess").want(t, http.StatusUnauthorized)
	unknown := e.userLogin(t, "mallory", alicePassword).want(t, http.StatusUnauthorized)
	if string(wrong.body) != string(unknown.body) || !strings.Contains(string(wrong.body), "wrong user name or password") {
		t.Errorf("a wrong password answers %s, an unknown user %s: want one generic message", wrong.body, unknown.body)
	}
	tests := []struct {
		name, body string
		want       int
	}{
		{"password without a user", `{"password": "` + alicePassword + `"}`, http.StatusUnauthorized},
		{"token and user at once", `{"token": "` + testToken + `", "user": "alice", "password": "` + alicePassword + `"}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, "POST", "/api/v1/session", tt.body, "Authorization", "").want(t, tt.want)
			if len(a.cookie) != 0 {
				t.Errorf("a refused login set cookies %v", a.cookie)
			}
		})
	}
	t.Run("a password is not a bearer token", func(t *testing.T) {
		e.do(t, "GET", "/api/v1/config", "", "Authorization", "Bearer "+alicePassword).want(t, http.StatusUnauthorized)
	})
	e.wantNoPasswordInLogs(t, alicePassword)
}

func TestUserLoginsAreThrottled(t *testing.T) {
	e := newEnv(t)
	e.setUsers(t, alice(t, 0))
	for range 10 {
		e.do(t, "POST", "/api/v1/session", `{"token": "guess"}`, "Authorization", "").want(t, http.StatusUnauthorized)
	}
	e.userLogin(t, "alice", alicePassword).want(t, http.StatusTooManyRequests)
}

// TestUserSessionEndsWithTheUser: a reload that removes the user or changes the
// password ends the sessions it started; the token's sessions go on.
func TestUserSessionEndsWithTheUser(t *testing.T) {
	tests := []struct {
		name  string
		after func(t *testing.T) []config.AdminUser
	}{
		{"password changed", func(t *testing.T) []config.AdminUser { return []config.AdminUser{alice(t, 1)} }},
		{"user removed", func(t *testing.T) []config.AdminUser { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.setUsers(t, alice(t, 0))
			a := e.userLogin(t, "alice", alicePassword).want(t, http.StatusCreated)
			tokenCookie, _ := e.login(t)
			e.setUsers(t, tt.after(t)...)
			e.do(t, "GET", "/api/v1/session", "", "Authorization", "", "Cookie", a.cookie[0].Name+"="+a.cookie[0].Value).
				want(t, http.StatusUnauthorized)
			e.do(t, "GET", "/api/v1/session", "", "Authorization", "", "Cookie", tokenCookie.Name+"="+tokenCookie.Value).
				want(t, http.StatusOK)
		})
	}
}

// wantNoPasswordInLogs fails if pw appears in the audit log.
func (e *env) wantNoPasswordInLogs(tb testing.TB, pw string) {
	tb.Helper()
	e.logs.mu.Lock()
	defer e.logs.mu.Unlock()
	if strings.Contains(e.logs.buf.String(), pw) {
		tb.Errorf("the password is in the log:\n%s", e.logs.buf.String())
	}
}
