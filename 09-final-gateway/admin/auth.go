package admin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gatewaylab/09-final-gateway/config"
)

// call is one authenticated API request: who makes it, and what the audit log says
// about it once it is done.
type call struct {
	who     string
	session *session // nil for bearer-token calls
	cookie  string   // the session cookie's value, for logout
	target  string   // the item changed ("service shop"), set by the handler
	version string   // the configuration version a change produced
}

// tokenMatches compares a presented token with the admin token in constant time. Both
// are hashed first so that not even the token's length leaks through timing.
func (a *api) tokenMatches(presented string) bool {
	sum := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(sum[:], a.tokenSum[:]) == 1
}

// authenticate finds who makes r: a bearer token (scripts), else a session cookie
// (the dashboard). A session's changes must also pass the CSRF checks.
func (a *api) authenticate(r *http.Request) (*call, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !a.tokenMatches(tok) {
			return nil, errUnauthorized
		}
		return &call{who: "bearer token"}, nil
	}
	c, err := r.Cookie(a.cookieName)
	if err != nil {
		return nil, errUnauthorized
	}
	sess, ok := a.sessions.get(c.Value)
	if !ok {
		return nil, fmt.Errorf("%w (the session expired: log in again)", errUnauthorized)
	}
	if !a.sessionUserValid(sess) {
		a.sessions.delete(c.Value)
		return nil, fmt.Errorf("%w (user %s was removed or changed password: log in again)", errUnauthorized, sess.user)
	}
	if !safeMethod(r.Method) {
		if err := checkCSRF(r, sess); err != nil {
			return nil, err
		}
	}
	return &call{who: sess.who, session: sess, cookie: c.Value}, nil
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// checkCSRF refuses a cookie-authenticated change that did not come from the
// dashboard's own pages: the browser says where the request came from (Sec-Fetch-Site,
// Origin), and only the dashboard can know the session's CSRF token.
func checkCSRF(r *http.Request, sess *session) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return fmt.Errorf("%w: a change from another site (Sec-Fetch-Site: %s)", errForbidden, site)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return fmt.Errorf("%w: a change from another origin (%s)", errForbidden, origin)
		}
	}
	got := r.Header.Get("X-CSRF-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) != 1 {
		return fmt.Errorf("%w: missing or wrong X-CSRF-Token header", errForbidden)
	}
	return nil
}

// sessionInfo is what the dashboard learns about its login.
type sessionInfo struct {
	Who     string    `json:"who"`
	CSRF    string    `json:"csrf,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

// login checks the dashboard's login form (the admin token, or a user's name and
// password) and starts a session.
func (a *api) login(w http.ResponseWriter, r *http.Request) {
	c := &call{who: "login from " + r.RemoteAddr, target: "session"}
	err := a.startSession(w, r, c)
	a.audit(r, c, err)
	if err != nil {
		a.fail(w, err)
	}
}

func (a *api) startSession(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := checkLoginOrigin(r); err != nil {
		return err
	}
	data, err := readBody(w, r)
	if err != nil {
		return err
	}
	var form loginForm
	if err := json.Unmarshal(data, &form); err != nil {
		return fmt.Errorf("%w: want {\"token\": \"...\"} or {\"user\": \"...\", \"password\": \"...\"}", errBadRequest)
	}
	user, err := a.checkLogin(r.Context(), form)
	if err != nil {
		return err
	}
	id, sess := a.sessions.create(user)
	c.who = sess.who
	http.SetCookie(w, &http.Cookie{Name: a.cookieName, Value: id, Path: "/", HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteStrictMode, MaxAge: int(a.sessions.ttl / time.Second)})
	writeJSON(w, http.StatusCreated, sessionInfo{Who: sess.who, CSRF: sess.csrf, Expires: a.sessions.expires(sess)})
	return nil
}

// loginForm is what the dashboard's login form posts: the admin token, or a user's
// name and password (config admin.users).
type loginForm struct {
	Token    string `json:"token"`
	User     string `json:"user"`
	Password string `json:"password"`
}

// checkLogin checks the form's credentials and returns the user they name (nil for
// the admin token). Every failure counts towards the login throttle, and every
// failure answers the same, so that a refusal does not tell what was wrong.
func (a *api) checkLogin(ctx context.Context, form loginForm) (*config.AdminUser, error) {
	byUser := form.User != "" || form.Password != ""
	if byUser && form.Token != "" {
		return nil, fmt.Errorf("%w: give the admin token or a user and password, not both", errBadRequest)
	}
	if !byUser {
		if a.logins.blocked() {
			return nil, errTooManyLogins
		}
		if !a.tokenMatches(form.Token) {
			a.logins.failed()
			return nil, errUnauthorized
		}
		return nil, nil
	}
	user, err := a.userLogin(ctx, form.User, form.Password)
	if errors.Is(err, errBadLogin) {
		a.logins.failed()
	}
	return user, err
}

// checkLoginOrigin refuses a login posted by another site's page (login CSRF: being
// logged in to the attacker's choice of session is harmless here, since there is one
// admin token, but a form that logs in silently has no business existing).
func checkLoginOrigin(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fmt.Errorf("%w: a login from another site", errForbidden)
	}
	return nil
}

// whoami tells the dashboard who it is logged in as, and its CSRF token (after a
// page reload the cookie is still there but the page has forgotten the token).
func (a *api) whoami(w http.ResponseWriter, r *http.Request, c *call) error {
	info := sessionInfo{Who: c.who}
	if c.session != nil {
		info.CSRF, info.Expires = c.session.csrf, a.sessions.expires(c.session)
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// logout ends the session and clears the cookie.
func (a *api) logout(w http.ResponseWriter, r *http.Request, c *call) error {
	c.target = "session"
	if c.session != nil {
		a.sessions.delete(c.cookie)
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
