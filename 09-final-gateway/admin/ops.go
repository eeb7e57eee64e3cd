package admin

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
)

func (a *api) getConfig(w http.ResponseWriter, r *http.Request, c *call) error {
	cfg, version := a.backend.Config()
	v, err := viewOf(cfg)
	if err != nil {
		return err
	}
	setVersion(w, version)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// putConfig replaces the whole configuration. The body is checked as a file would be
// (every problem listed at once) before it is applied.
func (a *api) putConfig(w http.ResponseWriter, r *http.Request, c *call) error {
	c.target = "config"
	data, err := readBody(w, r)
	if err != nil {
		return err
	}
	text, err := indentJSON(data)
	if err != nil {
		return err
	}
	f, err := config.Parse("request body", text)
	var cerrs *config.Errors
	if errors.As(err, &cerrs) {
		return locateLines(cerrs, linePaths(text))
	}
	if err != nil {
		return err
	}
	err = a.change(r, c, func(cfg *config.Config) (string, error) {
		*cfg = *f.Config
		return "", nil
	})
	if err != nil {
		return err
	}
	setVersion(w, c.version)
	writeJSON(w, http.StatusOK, map[string]string{"version": c.version})
	return nil
}

// locateLines names the field of problems the decoder reported by line only.
func locateLines(errs *config.Errors, paths map[int]string) *invalidError {
	out := invalid(errs, "")
	for i, fe := range errs.List {
		if out.fields[i].Path == "" && fe.Line > 0 {
			out.fields[i].Path = paths[fe.Line]
		}
		out.fields[i].Message = plainMessage(fe.Msg)
	}
	return out
}

// healthAnswer is GET /api/v1/health.
type healthAnswer struct {
	Ready    bool            `json:"ready"`
	Services []ServiceHealth `json:"services"`
}

func (a *api) health(w http.ResponseWriter, r *http.Request, c *call) error {
	out := healthAnswer{Ready: a.backend.Ready(), Services: a.backend.Health()}
	if name := r.URL.Query().Get("service"); name != "" {
		out.Services = slices.DeleteFunc(out.Services, func(s ServiceHealth) bool { return s.Service != name })
	}
	if out.Services == nil {
		out.Services = []ServiceHealth{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) stats(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := a.backend.Stats(r.Context())
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// counterName is what Backend.Hourly accepts.
var counterName = regexp.MustCompile(`^(total|errors|(service|route|app):[A-Za-z0-9_.-]{1,64})$`)

// hourlyAnswer is GET /api/v1/stats/hourly.
type hourlyAnswer struct {
	Counter   string    `json:"counter"`
	Today     [24]int64 `json:"today"`
	Yesterday [24]int64 `json:"yesterday"`
}

func (a *api) hourly(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.URL.Query().Get("counter")
	if name == "" {
		name = "total"
	}
	if !counterName.MatchString(name) {
		return paramError("counter", "%q: want total, errors, service:NAME, route:NAME or app:ID", name)
	}
	today, yesterday, err := a.backend.Hourly(r.Context(), name)
	if err != nil {
		return fmt.Errorf("hourly %s: %w", name, err)
	}
	writeJSON(w, http.StatusOK, hourlyAnswer{Counter: name, Today: today, Yesterday: yesterday})
	return nil
}

func (a *api) instances(w http.ResponseWriter, r *http.Request, c *call) error {
	list, err := a.backend.Instances(r.Context())
	if err != nil {
		return fmt.Errorf("instances: %w", err)
	}
	if list == nil {
		list = []Instance{}
	}
	writeJSON(w, http.StatusOK, map[string][]Instance{"instances": list})
	return nil
}

// reload re-reads the configuration file. A refused file's problems keep their file
// lines: they are about the file, not about a request.
func (a *api) reload(w http.ResponseWriter, r *http.Request, c *call) error {
	c.target = "config (reload)"
	v, err := a.backend.Reload(r.Context())
	var cerrs *config.Errors
	if errors.As(err, &cerrs) {
		out := invalid(cerrs, "")
		for i, fe := range cerrs.List {
			out.fields[i].Line = fe.Line
		}
		out.summary = "the configuration file was refused; the gateway keeps serving the previous one"
		return out
	}
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	c.version = v
	setVersion(w, v)
	writeJSON(w, http.StatusOK, map[string]string{"version": v})
	return nil
}

// rotateSecret gives an app a new secret. Only its hash is stored: this answer is the
// only time anyone sees the secret.
func (a *api) rotateSecret(w http.ResponseWriter, r *http.Request, c *call) error {
	id := r.PathValue("id")
	c.target = "app " + id + " (secret)"
	s := secret.Generate()
	err := a.change(r, c, func(cfg *config.Config) (string, error) {
		i := apps.index(cfg, id)
		if i < 0 {
			return "", apps.notFound(id)
		}
		list := slices.Clone(cfg.Apps)
		list[i].SecretHash = secret.Hash(s)
		cfg.Apps = list
		return fmt.Sprintf("apps[%d]", i), nil
	})
	if err != nil {
		return err
	}
	setVersion(w, c.version)
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "secret": s})
	return nil
}

// tokenAnswer is POST /api/v1/apps/{id}/token.
type tokenAnswer struct {
	Token     string    `json:"token"`
	TokenType string    `json:"token_type"`
	Expires   time.Time `json:"expires"`
}

// issueToken signs a token for an app, for trying its routes without its secret.
func (a *api) issueToken(w http.ResponseWriter, r *http.Request, c *call) error {
	id := r.PathValue("id")
	c.target = "app " + id + " (token)"
	cfg, _ := a.backend.Config()
	if apps.index(cfg, id) < 0 {
		return apps.notFound(id)
	}
	tok, exp, err := a.backend.IssueToken(id)
	if err != nil {
		return fmt.Errorf("issue token for app %q: %w", id, err)
	}
	writeJSON(w, http.StatusOK, tokenAnswer{Token: tok, TokenType: "Bearer", Expires: exp})
	return nil
}
