package admin

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
)

// services are the upstreams.
var services = &kind[config.Service]{
	singular: "service", plural: "services", key: "name",
	items:  func(c *config.Config) *[]config.Service { return &c.Services },
	keyOf:  func(s *config.Service) string { return s.Name },
	setKey: func(s *config.Service, k string) { s.Name = k },
	search: func(s *config.Service) string {
		parts := []string{s.Name, s.Protocol, s.Balancer.Policy}
		for _, t := range s.Targets {
			parts = append(parts, t.Addr)
		}
		return strings.Join(parts, " ")
	},
	usedBy: serviceUsers,
}

// serviceUsers names the routes and listeners that send traffic to service name.
func serviceUsers(cfg *config.Config, name string) []string {
	var out []string
	fallbackTo := func(m *config.Middleware) bool {
		return m != nil && m.Fallback != nil && m.Fallback.Service == name
	}
	for _, r := range cfg.Routes {
		switch {
		case r.Service == name:
			out = append(out, fmt.Sprintf("route %q", r.Name))
		case fallbackTo(r.Middleware):
			out = append(out, fmt.Sprintf("route %q (fallback)", r.Name))
		}
	}
	for _, l := range cfg.Listeners {
		if l.Service == name || fallbackTo(l.Middleware) {
			out = append(out, fmt.Sprintf("listener %q", l.Name))
		}
	}
	return out
}

// routes map requests to services.
var routes = &kind[config.Route]{
	singular: "route", plural: "routes", key: "name",
	items:  func(c *config.Config) *[]config.Route { return &c.Routes },
	keyOf:  func(r *config.Route) string { return r.Name },
	setKey: func(r *config.Route, k string) { r.Name = k },
	search: func(r *config.Route) string {
		return strings.Join(append([]string{r.Name, r.Service, r.PathPrefix, r.Path}, r.Hosts...), " ")
	},
	filter: func(r *config.Route, q url.Values) bool {
		s := q.Get("service")
		return s == "" || r.Service == s || (r.Middleware != nil && r.Middleware.Fallback != nil && r.Middleware.Fallback.Service == s)
	},
}

// apps are the tenants. Their secret hash is never shown (the dashboard has no use for
// it); a secret is made when none is given, and shown once.
var apps = &kind[config.App]{
	singular: "app", plural: "apps", key: "id",
	items:  func(c *config.Config) *[]config.App { return &c.Apps },
	keyOf:  func(a *config.App) string { return a.ID },
	setKey: func(a *config.App, k string) { a.ID = k },
	search: func(a *config.App) string { return a.ID + " " + a.Name },
	usedBy: appUsers,
	show: func(a *config.App) (view, error) {
		v, err := viewOf(a)
		if err != nil {
			return view{}, err
		}
		return v.without("secret_hash"), nil
	},
	prepare: func(old, app *config.App) string {
		switch {
		case app.SecretHash != "":
			return "" // the client chose the secret (gateway hash-secret)
		case old != nil:
			app.SecretHash = old.SecretHash // an edit keeps the secret
			return ""
		}
		s := secret.Generate()
		app.SecretHash = secret.Hash(s)
		return s
	},
}

// appUsers names the routes that allow only listed apps, this one among them, and the
// API keys that belong to app id.
func appUsers(cfg *config.Config, id string) []string {
	var out []string
	for _, r := range cfg.Routes {
		if m := r.Middleware; m != nil && m.Auth != nil && m.Auth.Apps != nil && slices.Contains(m.Auth.Apps.Allow, id) {
			out = append(out, fmt.Sprintf("route %q", r.Name))
		}
	}
	for _, k := range cfg.Auth.APIKeys {
		if k.App == id {
			out = append(out, fmt.Sprintf("API key %q", k.ID))
		}
	}
	return out
}
