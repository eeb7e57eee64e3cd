package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"reflect"

	"go.yaml.in/yaml/v3"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/router"
	"gatewaylab/09-final-gateway/upstream"
)

// Snapshot is everything built from one configuration: services, and a routing table
// per HTTP listener. It is immutable once built; a reload builds a new one and swaps it
// in atomically, so a request sees one whole configuration, never half of two.
type Snapshot struct {
	File     *config.File
	Hash     string // sha256 of the marshalled configuration, for the config-hash metric
	Services map[string]*upstream.Service
	tables   map[string]*router.Table[*Route] // by listener name
	trust    map[string]*forwarded.Trust      // by listener name
	pipeline Pipeline
	tokenURL string
	token    http.Handler
}

// Route is a matched route's run-time form.
type Route struct {
	Name    string
	Service string
	Handler http.Handler
}

// build makes a Snapshot from f. Services whose configuration did not change are taken
// over from prev with their live state (health, in-flight counts, pooled connections).
func build(f *config.File, prev *Snapshot, deps *Deps) (*Snapshot, error) {
	cfg := f.Config
	data, err := config.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	s := &Snapshot{
		File: f, Hash: hex.EncodeToString(sum[:8]),
		Services: map[string]*upstream.Service{},
		tables:   map[string]*router.Table[*Route]{},
		trust:    map[string]*forwarded.Trust{},
	}
	for i, l := range cfg.Listeners {
		t, err := forwarded.ParseTrust(l.TrustedProxies...)
		if err != nil {
			return nil, f.Annotate(fmt.Sprintf("listeners[%d].trusted_proxies", i), err)
		}
		s.trust[l.Name] = t
	}
	if s.pipeline, err = deps.Prepare(f); err != nil {
		return nil, f.Annotate("auth", err)
	}
	s.tokenURL, s.token = s.pipeline.Token()
	for i, sc := range cfg.Services {
		svc, err := s.service(sc, prev, deps)
		if err != nil {
			return nil, f.Annotate(fmt.Sprintf("services[%d]", i), err)
		}
		s.Services[sc.Name] = svc
	}
	for _, l := range cfg.Listeners {
		if l.Protocol != "http" && l.Protocol != "https" {
			continue
		}
		table, err := s.routeTable(f, l.Name, deps)
		if err != nil {
			return nil, err
		}
		s.tables[l.Name] = table
	}
	return s, nil
}

// service reuses prev's service when its configuration is unchanged.
func (s *Snapshot) service(sc config.Service, prev *Snapshot, deps *Deps) (*upstream.Service, error) {
	if prev != nil {
		if old, ok := prev.Services[sc.Name]; ok {
			oc := old.Config()
			if sameConfig(oc, sc) {
				return old, nil
			}
			// Only the targets changed: change them in place, so that health state,
			// balancer state and connections of the targets that stay survive.
			oc.Targets = sc.Targets
			if sameConfig(oc, sc) && old.Retarget(sc) {
				return old, nil
			}
		}
	}
	if deps.NewService != nil {
		return deps.NewService(sc)
	}
	return upstream.New(sc, deps.ClientIP, nil)
}

func (s *Snapshot) routeTable(f *config.File, listener string, deps *Deps) (*router.Table[*Route], error) {
	cfg := f.Config
	var routes []router.Route[*Route]
	for i, rc := range cfg.Routes {
		if len(rc.Listeners) > 0 && !contains(rc.Listeners, listener) {
			continue
		}
		h, err := s.routeHandler(rc, listener, deps)
		if err != nil {
			return nil, f.Annotate(fmt.Sprintf("routes[%d]", i), err)
		}
		routes = append(routes, router.Route[*Route]{
			Name: rc.Name, Hosts: rc.Hosts, PathPrefix: rc.PathPrefix, Path: rc.Path,
			Methods: rc.Methods, Headers: rc.Headers,
			Value: &Route{Name: rc.Name, Service: rc.Service, Handler: h},
		})
	}
	t, err := router.NewTable(routes)
	if err != nil {
		return nil, f.Annotate("routes", err)
	}
	return t, nil
}

// routeHandler is the route's middleware chain around its service's proxy.
func (s *Snapshot) routeHandler(rc config.Route, listener string, deps *Deps) (http.Handler, error) {
	var next http.Handler = http.NotFoundHandler()
	if rc.Service != "" {
		h, err := s.Services[rc.Service].Handler(s.trust[listener])
		if err != nil {
			return nil, err
		}
		next = h
	}
	return s.pipeline.Route(rc, next, func(name string) (http.Handler, error) {
		svc, ok := s.Services[name]
		if !ok {
			return nil, fmt.Errorf("no service named %q", name)
		}
		return svc.Handler(s.trust[listener])
	})
}

// Service returns the running service name, or nil.
func (s *Snapshot) Service(name string) *upstream.Service { return s.Services[name] }

// close releases the services of s that next no longer uses.
func (s *Snapshot) close(next *Snapshot) {
	for name, svc := range s.Services {
		if next == nil || next.Services[name] != svc {
			svc.Close()
		}
	}
}

// sameConfig compares two pieces of configuration by their written form, so that an
// empty list and a missing one (which a round trip through the admin API turns into
// each other) count as the same setting.
func sameConfig(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ya, errA := yaml.Marshal(a)
	yb, errB := yaml.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ya, yb)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Pipeline returns the middleware builder of the snapshot's configuration.
func (s *Snapshot) Pipeline() Pipeline { return s.pipeline }
