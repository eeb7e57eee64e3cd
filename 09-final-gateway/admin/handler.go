package admin

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// api is the handler New returns.
type api struct {
	backend    Backend
	tokenSum   [sha256.Size]byte
	logger     *slog.Logger
	sessions   *sessions
	logins     *throttle
	hashing    chan struct{} // slots for bcrypt checks (maxHashing)
	secure     bool
	cookieName string
	mux        *http.ServeMux
}

// New returns the admin API and dashboard handler. It serves /api/v1/..., /ui/... and
// redirects / to /ui/; the caller mounts probes and /metrics beside it.
func New(opts Options) (http.Handler, error) {
	if opts.Backend == nil || opts.Token == "" {
		return nil, errors.New("admin: Backend and Token are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	a := &api{
		backend:    opts.Backend,
		tokenSum:   sha256.Sum256([]byte(opts.Token)),
		logger:     opts.Logger,
		sessions:   newSessions(opts.SessionTTL),
		logins:     newThrottle(10, time.Minute),
		hashing:    make(chan struct{}, maxHashing),
		secure:     opts.Secure,
		cookieName: "gatewaylab_admin",
		mux:        http.NewServeMux(),
	}
	if opts.Secure {
		a.cookieName = "__Host-gatewaylab_admin" // the browser then insists on Secure, Path=/ and no Domain
	}
	a.routes()
	if err := a.routeUI(); err != nil {
		return nil, err
	}
	return a.mux, nil
}

// handlerFunc is an API endpoint: it writes its answer, or returns an error that
// fail turns into a JSON error answer (before anything was written).
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call) error

func (a *api) routes() {
	a.handle("GET /api/v1/config", a.getConfig)
	a.handle("PUT /api/v1/config", a.putConfig)
	register(a, services)
	register(a, routes)
	register(a, apps)
	a.handle("POST /api/v1/apps/{id}/secret", a.rotateSecret)
	a.handle("POST /api/v1/apps/{id}/token", a.issueToken)
	a.handle("GET /api/v1/health", a.health)
	a.handle("GET /api/v1/stats", a.stats)
	a.handle("GET /api/v1/stats/hourly", a.hourly)
	a.handle("GET /api/v1/instances", a.instances)
	a.handle("POST /api/v1/reload", a.reload)
	a.mux.HandleFunc("POST /api/v1/session", a.login)
	a.handle("GET /api/v1/session", a.whoami)
	a.handle("DELETE /api/v1/session", a.logout)
	a.handle("/api/", a.notFound)
}

// handle registers an endpoint behind authentication; changes are audited.
func (a *api) handle(pattern string, h handlerFunc) {
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err == nil {
			err = h(w, r, c)
		} else {
			c = &call{who: "unauthenticated"} // a refused change is worth a line too (CSRF attempts)
		}
		if !safeMethod(r.Method) {
			a.audit(r, c, err)
		}
		if err != nil {
			a.fail(w, err)
		}
	})
}

// notFound answers API paths that match no endpoint: 405 with Allow when the path
// exists for other methods, else 404. It runs after authentication, so that the API's
// shape is not shown to strangers.
func (a *api) notFound(w http.ResponseWriter, r *http.Request, c *call) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return fmt.Errorf("no API endpoint %s: %w", r.URL.Path, errNotFound)
	}
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	return fmt.Errorf("%w: %s is not allowed here; use %s", errMethod, r.Method, strings.Join(allow, ", "))
}

// fail writes err as a JSON error answer.
func (a *api) fail(w http.ResponseWriter, err error) {
	status := statusOf(err)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gatewaylab admin"`)
	}
	if status >= http.StatusInternalServerError {
		a.logger.Error("admin API error", "err", err)
	}
	writeJSON(w, status, bodyOf(err))
}

// writeJSON writes v as the JSON answer. API answers are never cached: they carry
// configuration and one-time secrets.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorBody{Error: "encode answer: " + err.Error()}) // a string always encodes
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n')) // the client may be gone; nothing to do about it
}

// audit logs one change: who, what, and how it ended.
func (a *api) audit(r *http.Request, c *call, err error) {
	attrs := []any{"who", c.who, "remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path}
	if c.target != "" {
		attrs = append(attrs, "target", c.target)
	}
	if err != nil {
		a.logger.Warn("admin change refused", append(attrs, "status", statusOf(err), "err", err)...)
		return
	}
	if c.version != "" {
		attrs = append(attrs, "version", c.version)
	}
	a.logger.Info("admin change", append(attrs, "result", "ok")...)
}
