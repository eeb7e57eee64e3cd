package flowcount

import (
	"errors"
	"net/http"

	"gatewaylab/07-middleware/identity"
)

// NameFunc picks the counter a request is counted under; ok false skips it.
type NameFunc func(r *http.Request) (name string, ok bool)

// Constant counts every request under name ("total").
func Constant(name string) NameFunc {
	return func(*http.Request) (string, bool) { return name, true }
}

// Service counts every request under "service:<name>" (the course's flow_service_<name>).
func Service(name string) NameFunc { return Constant("service:" + name) }

// App counts authenticated requests under "app:<id>" (flow_app_<id>). Place the
// middleware after the authentication middleware that sets the identity.
func App() NameFunc {
	return func(r *http.Request) (string, bool) {
		id, ok := identity.From(r.Context())
		if !ok || id.App == "" {
			return "", false
		}
		return "app:" + id.App, true
	}
}

// Config configures the counting middleware.
type Config struct {
	// Stats receives the counts. Required.
	Stats *Stats
	// Names are the counters each request is added to. Required.
	Names []NameFunc
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns a middleware that counts each request as it arrives, before next runs
// (so rejected requests count too when it is placed before the limiters).
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Stats == nil || len(cfg.Names) == 0 {
		return nil, errors.New("flowcount: Stats and Names are required")
	}
	return &middleware{next: next, cfg: cfg}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, f := range m.cfg.Names {
		if name, ok := f(r); ok {
			m.cfg.Stats.Add(name)
		}
	}
	m.next.ServeHTTP(w, r)
}
