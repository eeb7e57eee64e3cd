package config

import (
	"math"
	"time"
)

// Defaults that keep an operator safe when a field is left out (DESIGN.md, "Defaults
// that keep operators safe").
const (
	DefaultAdminListen    = "127.0.0.1:9901"
	DefaultAdminTokenEnv  = "GATEWAY_ADMIN_TOKEN"
	DefaultReadHeader     = 10 * time.Second
	DefaultIdle           = 120 * time.Second
	DefaultShutdown       = 15 * time.Second
	DefaultMaxHeaderBytes = 64 << 10
	DefaultMaxConns       = 10000
	DefaultBodyLimit      = 10 << 20
	DefaultTokenPath      = "/oauth/tokens"
	DefaultTokenTTL       = time.Hour
	DefaultIssuer         = "gatewaylab"
	DefaultEtcdPrefix     = "/gatewaylab"
)

func applyDefaults(c *Config) {
	setStr(&c.Admin.Listen, DefaultAdminListen)
	setStr(&c.Admin.TokenEnv, DefaultAdminTokenEnv)
	for i := range c.Listeners {
		listenerDefaults(&c.Listeners[i])
	}
	for i := range c.Services {
		serviceDefaults(&c.Services[i])
	}
	for i := range c.Routes {
		if c.Routes[i].Middleware == nil {
			c.Routes[i].Middleware = &Middleware{}
		}
		middlewareDefaults(c.Routes[i].Name, c.Routes[i].Middleware)
	}
	for i := range c.Listeners {
		if m := c.Listeners[i].Middleware; m != nil {
			middlewareDefaults(c.Listeners[i].Name, m)
		}
	}
	for i := range c.Apps {
		if c.Apps[i].Burst == 0 && c.Apps[i].QPS > 0 {
			c.Apps[i].Burst = int(math.Ceil(c.Apps[i].QPS))
		}
	}
	setStr(&c.Auth.TokenPath, DefaultTokenPath)
	setDur(&c.Auth.TokenTTL, DefaultTokenTTL)
	setStr(&c.Auth.JWT.Issuer, DefaultIssuer)
	if e := c.Cluster.Etcd; e != nil {
		setStr(&e.Prefix, DefaultEtcdPrefix)
		setDur(&e.DialTimeout, 5*time.Second)
	}
	setStr(&c.Log.Level, "info")
}

func listenerDefaults(l *Listener) {
	if l.Protocol == "http" {
		setStr(&l.Server, "lean")
	}
	setDur(&l.Timeouts.ReadHeader, DefaultReadHeader)
	setDur(&l.Timeouts.Idle, DefaultIdle)
	setDur(&l.Timeouts.Shutdown, DefaultShutdown)
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxConns == 0 {
		l.MaxConns = DefaultMaxConns
	}
}

func serviceDefaults(s *Service) {
	setStr(&s.Protocol, "http")
	for i := range s.Targets {
		if s.Targets[i].Weight == 0 {
			s.Targets[i].Weight = 1
		}
	}
	if s.Discovery != nil {
		setStr(&s.Discovery.Service, s.Name)
	}
	setStr(&s.Balancer.Policy, "round_robin")
	setStr(&s.Balancer.HashKey, "ip")
	if a := s.Health.Active; a != nil {
		defType := "http"
		switch s.Protocol {
		case "tcp":
			defType = "tcp"
		case "grpc":
			defType = "grpc"
		}
		setStr(&a.Type, defType)
		if a.Type == "http" {
			setStr(&a.Path, "/healthz")
		}
		setDur(&a.Interval, 5*time.Second)
		setDur(&a.UnhealthyInterval, a.Interval.D())
		setDur(&a.Timeout, 2*time.Second)
		setInt(&a.Rise, 2)
		setInt(&a.Fall, 3)
	}
	if p := s.Health.Passive; p != nil {
		setInt(&p.ConsecutiveFailures, 5)
		setDur(&p.BaseEjection, 30*time.Second)
		setDur(&p.MaxEjection, 5*time.Minute)
		setInt(&p.MaxEjectionPercent, 50)
		setInt(&p.PanicThreshold, 50)
	}
	u := &s.Upstream
	setDur(&u.DialTimeout, 5*time.Second)
	setDur(&u.IdleConnTimeout, 90*time.Second)
	setInt(&u.MaxIdleConnsPerHost, 256)
	setStr(&u.Transport, "lean")
	if u.Retries == 0 {
		u.Retries = 1
	}
}

func middlewareDefaults(owner string, m *Middleware) {
	setStr(&m.Priority, "normal")
	if m.BodyLimit == 0 {
		m.BodyLimit = DefaultBodyLimit
	}
	for i := range m.RateLimits {
		rl := &m.RateLimits[i]
		setStr(&rl.Key, "route")
		if rl.Name == "" {
			rl.Name = owner + "-" + keyName(rl.Key)
		}
		if rl.Burst == 0 {
			rl.Burst = int(math.Ceil(rl.Rate))
		}
		setStr(&rl.Scope, "local")
		setStr(&rl.OnRedisError, "open")
	}
	if b := m.Breaker; b != nil {
		setInt(&b.ErrorPercent, 50)
		setInt(&b.MinRequests, 20)
		setDur(&b.SleepWindow, 5*time.Second)
		setDur(&b.Timeout, 10*time.Second)
		setInt(&b.MaxConcurrent, 100)
	}
	if f := m.Fallback; f != nil {
		setDur(&f.TTL, 5*time.Minute)
		setStr(&f.ContentType, "text/plain; charset=utf-8")
	}
	if a := m.Auth; a != nil && a.APIKey != nil {
		setStr(&a.APIKey.Header, "X-API-Key")
	}
}

// keyName makes a rate-limit key usable in a name: "header:X-User" -> "header-x-user".
func keyName(key string) string {
	out := make([]byte, 0, len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z':
			out = append(out, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			out = append(out, c)
		default:
			out = append(out, '-')
		}
	}
	return string(out)
}

func setStr(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func setDur(p *Duration, v time.Duration) {
	if *p == 0 {
		*p = Duration(v)
	}
}
