package admin

import (
	"context"
	"time"

	"gatewaylab/09-final-gateway/config"
)

// Backend is what the admin API manages: the running gateway. The server package
// implements it; tests use a fake.
type Backend interface {
	// Config returns the configuration being served and its version (the config hash).
	// Callers must not modify it: copy, change, and Apply.
	Config() (cfg *config.Config, version string)
	// Apply validates cfg exactly as a config file is validated, swaps it in (hot
	// reload, nothing in flight dropped) and persists it atomically. ifVersion, when not
	// empty, must equal the current version, or Apply fails with ErrConflict and changes
	// nothing (no lost update when two admins write at once). The error of an invalid
	// configuration is a *config.Errors naming fields.
	Apply(ctx context.Context, cfg *config.Config, ifVersion string) (version string, err error)
	// Reload re-reads the configuration's file (or etcd) and applies it.
	Reload(ctx context.Context) (version string, err error)
	// Health returns the live state of every service's targets.
	Health() []ServiceHealth
	// Stats returns request counts for services and apps.
	Stats(ctx context.Context) (Stats, error)
	// Hourly returns the requests per hour of a counter ("total", "service:<name>",
	// "app:<id>") for today and yesterday, in the gateway's time zone.
	Hourly(ctx context.Context, counter string) (today, yesterday [24]int64, err error)
	// IssueToken signs an app token as the token endpoint would, for testing an app.
	IssueToken(appID string) (token string, expires time.Time, err error)
	// Instances lists the gateway instances (one without cluster mode).
	Instances(ctx context.Context) ([]Instance, error)
	// Ready reports whether the gateway serves its configuration.
	Ready() bool
}

// ErrConflict is returned by Apply when ifVersion is not the current version.
var ErrConflict = errorString("configuration changed since it was read (version mismatch)")

type errorString string

func (e errorString) Error() string { return string(e) }

// ServiceHealth is the live state of one service.
type ServiceHealth struct {
	Service string         `json:"service"`
	Policy  string         `json:"policy"`
	Targets []TargetHealth `json:"targets"`
}

// TargetHealth is the live state of one target.
type TargetHealth struct {
	Addr      string    `json:"addr"`
	Weight    int       `json:"weight"`
	Healthy   bool      `json:"healthy"`   // active checks (true when none are configured)
	Ejected   bool      `json:"ejected"`   // passive checks took it out
	InFlight  int64     `json:"in_flight"` // requests in flight now
	LastError string    `json:"last_error,omitempty"`
	Since     time.Time `json:"since,omitzero"` // when the state last changed
}

// Stats are request counts.
type Stats struct {
	Total Counter `json:"total"`
	// Errors counts the requests answered with a 5xx status (the dashboard's error
	// rate is Errors.Today / Total.Today). Nil when the backend does not count them:
	// the dashboard then shows no error rate rather than a false 0%.
	Errors   *Counter           `json:"errors,omitempty"`
	Services map[string]Counter `json:"services"`
	Apps     map[string]Counter `json:"apps"`
	Routes   map[string]Counter `json:"routes"`
	// ClusterWide is true when the counts cover every instance (Redis), false when they
	// are this instance's only.
	ClusterWide bool `json:"cluster_wide"`
}

// Counter is one counter's figures.
type Counter struct {
	Total int64   `json:"total"`
	Today int64   `json:"today"`
	QPS   float64 `json:"qps"`
}

// Instance is one gateway process of a cluster.
type Instance struct {
	ID      string    `json:"id"`
	Admin   string    `json:"admin"`
	Version string    `json:"version"` // config version it serves
	Started time.Time `json:"started"`
}
