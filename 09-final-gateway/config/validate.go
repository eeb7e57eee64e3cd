package config

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/password"
	"gatewaylab/09-final-gateway/router"
)

// checker collects every problem instead of stopping at the first.
type checker struct{ errs []FieldError }

func (c *checker) add(path, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) oneOf(path, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		c.add(path, "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
}

func (c *checker) hostPort(path, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		c.add(path, "%q is not host:port", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		c.add(path, "%q: port must be a number from 0 to 65535", addr)
	}
	if strings.ContainsAny(host, " /") {
		c.add(path, "%q: bad host", addr)
	}
}

func (c *checker) cidrs(path string, entries []string) {
	for i, e := range entries {
		if _, err := forwarded.ParsePrefix(e); err != nil {
			c.add(fmt.Sprintf("%s[%d]", path, i), "%v", err)
		}
	}
}

// uniqueID checks that id matches re (want describes it) and is not in seen, then
// adds it: the identifier of one item of a list (an app, a user).
func (c *checker) uniqueID(path, kind, id string, re *regexp.Regexp, want string, seen map[string]bool) {
	if !re.MatchString(id) {
		c.add(path, "%q: want %s", id, want)
	}
	if seen[id] {
		c.add(path, "%s %q is defined twice", kind, id)
	}
	seen[id] = true
}

func (c *checker) positive(path string, v int) {
	if v < 0 {
		c.add(path, "must not be negative")
	}
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	appRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	userRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)
)

// validate checks what can be checked from the configuration alone. Building the
// gateway (compiling middleware, routes) finds the rest and reports it through
// File.Annotate with the same paths.
func validate(cfg *Config) []FieldError {
	c := &checker{}
	services := map[string]*Service{}
	for i := range cfg.Services {
		s := &cfg.Services[i]
		p := fmt.Sprintf("services[%d]", i)
		checkService(c, p, s, cfg)
		if _, dup := services[s.Name]; dup {
			c.add(p+".name", "service %q is defined twice", s.Name)
		}
		services[s.Name] = s
	}
	listeners := checkListeners(c, cfg, services)
	checkAdmin(c, &cfg.Admin)
	routeNames := map[string]bool{}
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		p := fmt.Sprintf("routes[%d]", i)
		if !nameRE.MatchString(r.Name) {
			c.add(p+".name", "%q: want 1-63 of a-z 0-9 _ - (starting with a letter or digit)", r.Name)
		}
		if routeNames[r.Name] {
			c.add(p+".name", "route %q is defined twice", r.Name)
		}
		routeNames[r.Name] = true
		checkRoute(c, p, r, cfg, services, listeners)
	}
	checkApps(c, cfg)
	checkAuth(c, cfg)
	checkCluster(c, &cfg.Cluster)
	c.oneOf("log.level", cfg.Log.Level, "debug", "info", "warn", "error")
	c.positive("shedding.max_in_flight", cfg.Shedding.MaxInFlight)
	return c.errs
}

func checkAdmin(c *checker, a *Admin) {
	if a.Listen != "off" {
		c.hostPort("admin.listen", a.Listen)
	}
	if !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(a.TokenEnv) {
		c.add("admin.token_env", "%q is not an environment variable name", a.TokenEnv)
	}
	names := map[string]bool{}
	for i, u := range a.Users {
		p := fmt.Sprintf("admin.users[%d]", i)
		c.uniqueID(p+".name", "user", u.Name, userRE, "1-64 of A-Z a-z 0-9 _ . @ -", names)
		if err := password.Check(u.PasswordHash); err != nil {
			c.add(p+".password_hash", "%v (make one with: gateway hash-password)", err)
		}
	}
}

func checkListeners(c *checker, cfg *Config, services map[string]*Service) map[string]*Listener {
	byName := map[string]*Listener{}
	addrs := map[string]string{}
	for i := range cfg.Listeners {
		l := &cfg.Listeners[i]
		p := fmt.Sprintf("listeners[%d]", i)
		if !nameRE.MatchString(l.Name) {
			c.add(p+".name", "%q: want 1-63 of a-z 0-9 _ -", l.Name)
		}
		if byName[l.Name] != nil {
			c.add(p+".name", "listener %q is defined twice", l.Name)
		}
		byName[l.Name] = l
		c.oneOf(p+".protocol", l.Protocol, "http", "https", "tcp", "grpc")
		c.hostPort(p+".listen", l.Listen)
		if other, dup := addrs[l.Listen]; dup && !strings.HasSuffix(l.Listen, ":0") {
			c.add(p+".listen", "%s is also used by listener %q", l.Listen, other)
		}
		addrs[l.Listen] = l.Name
		if l.H2C && l.Protocol != "http" {
			c.add(p+".h2c", "h2c is for http listeners (https negotiates HTTP/2 itself)")
		}
		switch {
		case l.Protocol == "http":
			c.oneOf(p+".server", l.Server, "lean", "std")
		case l.Server != "":
			c.add(p+".server", "server is for http listeners (https uses net/http's, for HTTP/2)")
		}
		checkListenerTLS(c, p, l)
		checkListenerService(c, p, l, services)
		c.cidrs(p+".trusted_proxies", l.TrustedProxies)
		c.positive(p+".max_conns", l.MaxConns)
		if l.Middleware != nil {
			if l.Protocol != "tcp" && l.Protocol != "grpc" {
				c.add(p+".middleware", "listener middleware is for tcp and grpc listeners; http routes have their own")
			}
			checkMiddleware(c, p+".middleware", l.Middleware, cfg, services)
			if l.Protocol == "tcp" && l.Middleware.Auth != nil {
				c.add(p+".middleware.auth", "a tcp connection carries no credentials; use ip allow lists")
			}
		}
	}
	return byName
}

func checkListenerTLS(c *checker, p string, l *Listener) {
	switch {
	case l.Protocol == "https" && l.TLS == nil:
		c.add(p+".tls", "an https listener needs tls (cert_file and key_file, or dev: true)")
	case l.TLS == nil:
	case l.Protocol == "tcp" || l.Protocol == "http":
		c.add(p+".tls", "tls is for https and grpc listeners")
	case l.TLS.Dev && (l.TLS.CertFile != "" || l.TLS.KeyFile != ""):
		c.add(p+".tls", "set dev or cert_file/key_file, not both")
	case !l.TLS.Dev && (l.TLS.CertFile == "" || l.TLS.KeyFile == ""):
		c.add(p+".tls", "cert_file and key_file are both required (or dev: true)")
	}
}

func checkListenerService(c *checker, p string, l *Listener, services map[string]*Service) {
	if l.Protocol != "tcp" && l.Protocol != "grpc" {
		if l.Service != "" {
			c.add(p+".service", "http and https listeners route by routes, not by service")
		}
		return
	}
	s, ok := services[l.Service]
	switch {
	case l.Service == "":
		c.add(p+".service", "a %s listener needs the service it forwards to", l.Protocol)
	case !ok:
		c.add(p+".service", "no service named %q", l.Service)
	case l.Protocol == "tcp" && s.Protocol != "tcp":
		c.add(p+".service", "service %q speaks %s; a tcp listener needs a tcp service", s.Name, s.Protocol)
	case l.Protocol == "grpc" && s.Protocol != "grpc":
		c.add(p+".service", "service %q speaks %s; a grpc listener needs a grpc service", s.Name, s.Protocol)
	}
}

func checkService(c *checker, p string, s *Service, cfg *Config) {
	if !nameRE.MatchString(s.Name) {
		c.add(p+".name", "%q: want 1-63 of a-z 0-9 _ - (starting with a letter or digit)", s.Name)
	}
	c.oneOf(p+".protocol", s.Protocol, "http", "https", "h2c", "grpc", "tcp")
	switch {
	case len(s.Targets) == 0 && s.Discovery == nil:
		c.add(p+".targets", "a service needs targets or discovery")
	case len(s.Targets) > 0 && s.Discovery != nil:
		c.add(p+".discovery", "set targets or discovery, not both")
	case s.Discovery != nil && cfg.Cluster.Etcd == nil:
		c.add(p+".discovery", "discovery needs cluster.etcd")
	}
	seen := map[string]bool{}
	for i, t := range s.Targets {
		tp := fmt.Sprintf("%s.targets[%d]", p, i)
		c.hostPort(tp+".addr", t.Addr)
		if seen[t.Addr] {
			c.add(tp+".addr", "target %s is listed twice", t.Addr)
		}
		seen[t.Addr] = true
		if t.Weight < 1 || t.Weight > balancer.MaxWeight {
			c.add(tp+".weight", "%d: weight must be from 1 to %d", t.Weight, balancer.MaxWeight)
		}
	}
	c.oneOf(p+".balancer.policy", s.Balancer.Policy, balancer.Policies()...)
	if _, err := balancer.ParseKey(s.Balancer.HashKey, nil); err != nil {
		c.add(p+".balancer.hash_key", "%v", err)
	}
	if s.Protocol == "tcp" && s.Balancer.HashKey != "ip" && balancer.UsesKey(s.Balancer.Policy) {
		c.add(p+".balancer.hash_key", "a tcp service can only hash the client ip")
	}
	c.positive(p+".balancer.replicas", s.Balancer.Replicas)
	if lf := s.Balancer.LoadFactor; lf != 0 && lf < 1 {
		c.add(p+".balancer.load_factor", "%v: must be at least 1 (1.25 is typical)", lf)
	}
	checkHealth(c, p+".health", s)
	if s.TLS != nil && s.Protocol != "https" && s.Protocol != "grpc" {
		c.add(p+".tls", "tls is for https and grpc services")
	}
	c.positive(p+".upstream.max_idle_conns_per_host", s.Upstream.MaxIdleConnsPerHost)
	c.positive(p+".upstream.max_conns_per_host", s.Upstream.MaxConnsPerHost)
	if s.Upstream.Retries < -1 {
		c.add(p+".upstream.retries", "use -1 to disable retries")
	}
	c.oneOf(p+".upstream.transport", s.Upstream.Transport, "lean", "std")
}

func checkHealth(c *checker, p string, s *Service) {
	if a := s.Health.Active; a != nil {
		c.oneOf(p+".active.type", a.Type, "http", "tcp", "grpc")
		if a.Type == "http" && s.Protocol == "tcp" {
			c.add(p+".active.type", "a tcp service can be probed with tcp only")
		}
		if a.Type == "http" && !strings.HasPrefix(a.Path, "/") {
			c.add(p+".active.path", "%q must start with /", a.Path)
		}
		for i, st := range a.ExpectStatus {
			if st < 100 || st > 599 {
				c.add(fmt.Sprintf("%s.active.expect_status[%d]", p, i), "%d is not an HTTP status", st)
			}
		}
		if a.Timeout >= a.Interval {
			c.add(p+".active.timeout", "must be shorter than the interval")
		}
		if a.Rise < 1 || a.Fall < 1 {
			c.add(p+".active", "rise and fall must be at least 1")
		}
	}
	if ps := s.Health.Passive; ps != nil {
		if ps.ConsecutiveFailures < 1 {
			c.add(p+".passive.consecutive_failures", "must be at least 1")
		}
		for _, f := range []struct {
			name string
			v    int
		}{{"max_ejection_percent", ps.MaxEjectionPercent}, {"panic_threshold", ps.PanicThreshold}} {
			if f.v < 0 || f.v > 100 {
				c.add(p+".passive."+f.name, "%d: a percentage is 0 to 100", f.v)
			}
		}
		if ps.MaxEjection < ps.BaseEjection {
			c.add(p+".passive.max_ejection", "must not be shorter than base_ejection")
		}
	}
}

func checkRoute(c *checker, p string, r *Route, cfg *Config, services map[string]*Service, listeners map[string]*Listener) {
	if r.Service == "" && (r.Middleware == nil || r.Middleware.Fallback == nil || r.Middleware.Fallback.Status == 0) {
		c.add(p+".service", "a route needs a service (or a static fallback that answers everything)")
	}
	if s, ok := services[r.Service]; r.Service != "" && !ok {
		c.add(p+".service", "no service named %q", r.Service)
	} else if ok && s.Protocol == "tcp" {
		c.add(p+".service", "service %q is a tcp service; route it with a tcp listener", r.Service)
	}
	for _, field := range []struct{ name, v string }{{"path", r.Path}, {"path_prefix", r.PathPrefix}} {
		if field.v == "" {
			continue
		}
		if canon, err := router.CanonicalPath(field.v); err != nil {
			c.add(p+"."+field.name, "%v", err)
		} else if canon != field.v {
			c.add(p+"."+field.name, "%q is not canonical (did you mean %q?)", field.v, canon)
		}
	}
	for i, m := range r.Methods {
		if !isToken(m) {
			c.add(fmt.Sprintf("%s.methods[%d]", p, i), "%q is not an HTTP method", m)
		}
	}
	for name := range r.Headers {
		if !isToken(name) {
			c.add(p+".headers", "%q is not a header name", name)
		}
	}
	for i, name := range r.Listeners {
		l, ok := listeners[name]
		if !ok || (l.Protocol != "http" && l.Protocol != "https") {
			c.add(fmt.Sprintf("%s.listeners[%d]", p, i), "no http or https listener named %q", name)
		}
	}
	checkMiddleware(c, p+".middleware", r.Middleware, cfg, services)
}

func checkMiddleware(c *checker, p string, m *Middleware, cfg *Config, services map[string]*Service) {
	c.oneOf(p+".priority", m.Priority, "core", "normal", "low")
	if m.IP != nil {
		c.cidrs(p+".ip.allow", m.IP.Allow)
		c.cidrs(p+".ip.deny", m.IP.Deny)
	}
	checkRouteAuth(c, p+".auth", m.Auth, cfg)
	for i := range m.RateLimits {
		checkRateLimit(c, fmt.Sprintf("%s.rate_limits[%d]", p, i), &m.RateLimits[i], cfg)
	}
	c.positive(p+".max_concurrent", m.MaxConcurrent)
	if b := m.Breaker; b != nil {
		if b.ErrorPercent < 1 || b.ErrorPercent > 100 {
			c.add(p+".breaker.error_percent", "%d: a percentage is 1 to 100", b.ErrorPercent)
		}
		c.positive(p+".breaker.min_requests", b.MinRequests)
		c.positive(p+".breaker.max_concurrent", b.MaxConcurrent)
	}
	checkFallback(c, p+".fallback", m.Fallback, services)
	for _, h := range []struct {
		name string
		ops  *HeaderOps
	}{{"request_headers", m.RequestHeaders}, {"response_headers", m.ResponseHeaders}} {
		checkHeaderOps(c, p+"."+h.name, h.ops)
	}
	if m.StripPrefix != "" {
		if canon, err := router.CanonicalPath(m.StripPrefix); err != nil || canon != m.StripPrefix || canon == "/" {
			c.add(p+".strip_prefix", "%q: want a canonical path prefix such as /api", m.StripPrefix)
		}
	}
	for i, rw := range m.Rewrite {
		if _, err := regexp.Compile(rw.Match); err != nil || rw.Match == "" {
			c.add(fmt.Sprintf("%s.rewrite[%d].match", p, i), "not a regular expression: %v", err)
		}
		if !strings.HasPrefix(rw.Replace, "/") {
			c.add(fmt.Sprintf("%s.rewrite[%d].replace", p, i), "%q must start with /", rw.Replace)
		}
	}
}

func checkRouteAuth(c *checker, p string, a *RouteAuth, cfg *Config) {
	if a == nil {
		return
	}
	if a.JWT == nil && a.APIKey == nil && a.Apps == nil {
		c.add(p, "auth needs at least one of jwt, api_key, apps")
	}
	if a.JWT != nil && len(cfg.Auth.JWT.Keys) == 0 {
		c.add(p+".jwt", "needs keys in auth.jwt.keys")
	}
	if a.JWT != nil && a.JWT.Audience == "" {
		c.add(p+".jwt.audience", "required: the audience (aud) tokens must be issued for; without it a token meant for another service would pass")
	}
	if a.APIKey != nil && len(cfg.Auth.APIKeys) == 0 {
		c.add(p+".api_key", "needs keys in auth.api_keys")
	}
	if a.Apps != nil && len(cfg.Apps) == 0 && cfg.Demo.App == "" {
		c.add(p+".apps", "needs apps")
	}
	if a.Apps != nil && len(cfg.Auth.JWT.Keys) == 0 {
		c.add(p+".apps", "app tokens are JWTs: needs a signing key in auth.jwt.keys")
	}
}

func checkRateLimit(c *checker, p string, rl *RateLimit, cfg *Config) {
	if rl.Rate <= 0 {
		c.add(p+".rate", "must be more than 0 requests per second")
	}
	if rl.Burst < 1 {
		c.add(p+".burst", "must be at least 1")
	}
	if k := rl.Key; !slices.Contains([]string{"route", "service", "client_ip", "app"}, k) &&
		!(strings.HasPrefix(k, "header:") && isToken(strings.TrimPrefix(k, "header:"))) {
		c.add(p+".key", "%q is not one of route, service, client_ip, app, header:NAME", k)
	}
	c.oneOf(p+".scope", rl.Scope, "local", "cluster")
	c.oneOf(p+".on_redis_error", rl.OnRedisError, "open", "closed")
	if rl.Scope == "cluster" && cfg.Cluster.Redis == nil {
		c.add(p+".scope", "cluster scope needs cluster.redis")
	}
}

func checkFallback(c *checker, p string, f *Fallback, services map[string]*Service) {
	if f == nil {
		return
	}
	kinds := 0
	for _, set := range []bool{f.Status != 0, f.Service != ""} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds == 0 && !f.Cached:
		c.add(p, "set status (a static answer), cached: true, or service")
	case kinds > 1:
		c.add(p, "set a static status or a service, not both")
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		c.add(p+".status", "%d is not an HTTP status", f.Status)
	}
	if _, ok := services[f.Service]; f.Service != "" && !ok {
		c.add(p+".service", "no service named %q", f.Service)
	}
}

func checkHeaderOps(c *checker, p string, ops *HeaderOps) {
	if ops == nil {
		return
	}
	for _, m := range []map[string]string{ops.Set, ops.Add} {
		for k, v := range m {
			if !isToken(k) || strings.ContainsAny(v, "\r\n\x00") {
				c.add(p, "header %q: bad name or value", k)
			}
		}
	}
	for _, k := range ops.Remove {
		if !isToken(k) {
			c.add(p+".remove", "%q is not a header name", k)
		}
	}
}

func checkApps(c *checker, cfg *Config) {
	ids := map[string]bool{}
	for i, a := range cfg.Apps {
		p := fmt.Sprintf("apps[%d]", i)
		c.uniqueID(p+".id", "app", a.ID, appRE, "1-64 of A-Z a-z 0-9 _ . -", ids)
		if _, err := secret.ParseHash(a.SecretHash); err != nil {
			c.add(p+".secret_hash", "%v (make one with: gateway hash-secret)", err)
		}
		if a.QPS < 0 || a.DailyQuota < 0 || a.Burst < 0 {
			c.add(p, "qps, burst and daily_quota must not be negative")
		}
		c.cidrs(p+".allowed_ips", a.AllowedIPs)
	}
}

func checkAuth(c *checker, cfg *Config) {
	ids := map[string]bool{}
	for i, k := range cfg.Auth.JWT.Keys {
		p := fmt.Sprintf("auth.jwt.keys[%d]", i)
		if k.ID == "" || ids[k.ID] {
			c.add(p+".id", "every key needs a unique id")
		}
		ids[k.ID] = true
		c.oneOf(p+".algorithm", k.Algorithm, "HS256", "RS256", "ES256")
		sources := 0
		for _, set := range []bool{k.SecretEnv != "", k.SecretFile != "", k.PublicKeyFile != "" || k.PrivateKeyFile != "", k.Generate} {
			if set {
				sources++
			}
		}
		if sources != 1 {
			c.add(p, "give exactly one key source: secret_env, secret_file, public/private_key_file, or generate")
		}
		if k.Algorithm == "HS256" && (k.PublicKeyFile != "" || k.PrivateKeyFile != "") {
			c.add(p, "HS256 uses a shared secret (secret_env, secret_file or generate)")
		}
		if k.Algorithm != "HS256" && (k.SecretEnv != "" || k.SecretFile != "") {
			c.add(p, "%s uses key files (public_key_file, private_key_file) or generate", k.Algorithm)
		}
	}
	for i, k := range cfg.Auth.APIKeys {
		p := fmt.Sprintf("auth.api_keys[%d]", i)
		if _, err := secret.ParseHash(k.KeyHash); err != nil {
			c.add(p+".key_hash", "%v (make one with: gateway hash-secret)", err)
		}
	}
	if !strings.HasPrefix(cfg.Auth.TokenPath, "/") {
		c.add("auth.token_path", "%q must start with /", cfg.Auth.TokenPath)
	}
}

func checkCluster(c *checker, cl *Cluster) {
	if e := cl.Etcd; e != nil {
		if len(e.Endpoints) == 0 {
			c.add("cluster.etcd.endpoints", "at least one endpoint (host:port)")
		}
		if !strings.HasPrefix(e.Prefix, "/") {
			c.add("cluster.etcd.prefix", "%q must start with /", e.Prefix)
		}
	}
	if r := cl.Redis; r != nil {
		c.hostPort("cluster.redis.addr", r.Addr)
	}
}

// isToken reports whether s is an RFC 9110 token (method and header names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

var _ = http.MethodGet
