package pipeline

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/bodylimit"
	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/concurrency"
	"gatewaylab/07-middleware/fallback"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/headers"
	"gatewaylab/07-middleware/identity"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/rewrite"
	"gatewaylab/07-middleware/shed"
	"gatewaylab/07-middleware/stripprefix"
	"gatewaylab/07-middleware/timeout"
	"gatewaylab/09-final-gateway/config"
)

// Builder builds route chains for one configuration.
type Builder struct {
	shared *Shared
	cfg    *config.Config
	auth   *auth
}

// Prepare makes the per-configuration middleware state (keys, apps, token endpoint).
func (s *Shared) Prepare(cfg *config.Config) (*Builder, error) {
	a, err := s.buildAuth(cfg)
	if err != nil {
		return nil, err
	}
	return &Builder{shared: s, cfg: cfg, auth: a}, nil
}

// Token returns the client-credentials endpoint's path and handler (nil without apps).
func (b *Builder) Token() (string, http.Handler) { return b.auth.tokenURL, b.auth.token }

// IssueToken signs a token for app id as the token endpoint would (the admin API's
// "test token"), without its secret.
func (b *Builder) IssueToken(id string) (string, time.Time, error) {
	if b.auth.apps == nil {
		return "", time.Time{}, fmt.Errorf("no apps configured")
	}
	if _, ok := b.auth.apps.Lookup(id); !ok {
		return "", time.Time{}, fmt.Errorf("no app %q", id)
	}
	return b.auth.signer.Sign(id, "")
}

// Route wraps service (the route's proxy) in rc's middleware, outermost first:
//
//	flow count -> shed -> ip filter -> auth -> rate limits -> concurrency -> body limit
//	-> timeout -> fallback -> breaker -> headers -> strip prefix -> rewrite -> service
//
// Cheap refusals come first, so an attacker spends as little as possible of the
// gateway; the breaker sits right around the service so that only upstream failures
// count against the circuit, and the fallback around it catches both an open circuit
// and a failed call.
func (b *Builder) Route(rc config.Route, service http.Handler, lookup func(name string) (http.Handler, error)) (http.Handler, error) {
	m := rc.Middleware
	var c chain.Chain
	add := func(ctor chain.Constructor) { c = c.Append(ctor) }
	add(b.flowCount(rc))
	add(b.shed(m))
	if m.IP != nil {
		add(use(ipfilter.New, ipfilter.Config{Allow: m.IP.Allow, Deny: m.IP.Deny}))
	}
	add(stripIdentityHeader)
	if m.Auth != nil {
		ctor, err := b.authCtor(rc.Name, m.Auth)
		if err != nil {
			return nil, fmt.Errorf("middleware.auth: %w", err)
		}
		add(ctor)
		add(identityHeader)
		// Apps are counted once auth has said which app is calling (quota usage, the
		// dashboard's per-app charts).
		add(use(flowcount.New, flowcount.Config{Stats: b.shared.Stats, Names: []flowcount.NameFunc{flowcount.App()}}))
	}
	for i, rl := range m.RateLimits {
		ctor, err := b.rateLimit(rc, rl)
		if err != nil {
			return nil, fmt.Errorf("middleware.rate_limits[%d]: %w", i, err)
		}
		add(ctor)
	}
	if m.MaxConcurrent > 0 {
		add(use(concurrency.New, concurrency.Config{Max: m.MaxConcurrent}))
	}
	add(use(bodylimit.New, bodylimit.Config{MaxBytes: int64(m.BodyLimit)}))
	if m.Timeout > 0 {
		add(use(timeout.New, timeout.Config{Timeout: m.Timeout.D(), Logger: b.shared.Logger}))
	}
	if m.Fallback != nil {
		ctor, err := b.fallback(rc, lookup)
		if err != nil {
			return nil, fmt.Errorf("middleware.fallback: %w", err)
		}
		add(ctor)
	}
	if m.Breaker != nil {
		add(use(breaker.New, b.breakerConfig(rc)))
	}
	if m.RequestHeaders != nil || m.ResponseHeaders != nil {
		add(use(headers.New, headers.Config{Request: rules(m.RequestHeaders), Response: rules(m.ResponseHeaders)}))
	}
	if m.StripPrefix != "" {
		add(use(stripprefix.New, stripprefix.Config{Prefixes: []string{m.StripPrefix}}))
	}
	if len(m.Rewrite) > 0 {
		rs := make([]rewrite.Rule, len(m.Rewrite))
		for i, r := range m.Rewrite {
			rs[i] = rewrite.Rule{Match: r.Match, Replace: r.Replace}
		}
		add(use(rewrite.New, rewrite.Config{Rules: rs}))
	}
	return c.Then(service)
}

// use adapts a stage-07 constructor and its config to a chain.Constructor.
func use[C any](newFn func(http.Handler, C) (http.Handler, error), cfg C) chain.Constructor {
	return func(next http.Handler) (http.Handler, error) { return newFn(next, cfg) }
}

func (b *Builder) flowCount(rc config.Route) chain.Constructor {
	names := []flowcount.NameFunc{flowcount.Constant("total"), flowcount.Constant("route:" + rc.Name)}
	if rc.Service != "" {
		names = append(names, flowcount.Service(rc.Service))
	}
	return use(flowcount.New, flowcount.Config{Stats: b.shared.Stats, Names: names})
}

func (b *Builder) shed(m *config.Middleware) chain.Constructor {
	p := shed.Normal
	switch m.Priority {
	case "core":
		p = shed.Critical
	case "low":
		p = shed.Low
	}
	return use(shed.New, shed.Config{Shedder: b.shared.Shedder, Priority: p})
}

// authCtor accepts the credential the request carries: an API key in its header, or a
// bearer token (an app token when the route takes apps, else a JWT). With several kinds
// configured, the request's own credential decides which check runs.
func (b *Builder) authCtor(route string, ra *config.RouteAuth) (chain.Constructor, error) {
	var bearer, key chain.Constructor
	if ra.APIKey != nil {
		key = use(apikey.New, apikey.Config{Keys: b.auth.apiKeys, Header: ra.APIKey.Header})
	}
	switch {
	case ra.Apps != nil:
		if b.auth.gate == nil {
			return nil, fmt.Errorf("apps: no apps configured")
		}
		bearer = use(apps.New, apps.Config{Verifier: b.auth.appsV, Gate: b.auth.gate})
		if len(ra.Apps.Allow) > 0 {
			bearer = then(onlyApps(b.auth.appsV, ra.Apps.Allow), bearer)
		}
	case ra.JWT != nil:
		v, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{Keys: b.auth.keys, Issuer: b.auth.issuer, Audience: ra.JWT.Audience})
		if err != nil {
			return nil, err
		}
		bearer = use(jwtauth.New, jwtauth.Config{Verifier: v})
	}
	if key == nil {
		return bearer, nil
	}
	if bearer == nil {
		return key, nil
	}
	header := ra.APIKey.Header
	return func(next http.Handler) (http.Handler, error) {
		withKey, err := key(next)
		if err != nil {
			return nil, err
		}
		withBearer, err := bearer(next)
		if err != nil {
			return nil, err
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get(header) != "" {
				withKey.ServeHTTP(w, r)
				return
			}
			withBearer.ServeHTTP(w, r)
		}), nil
	}, nil
}

// onlyApps refuses (403) a valid token of an app that is not in ids: the credential is
// valid, it is just not allowed here. It runs before the apps middleware, because
// admitting a request spends the app's QPS and daily quota, which a request this route
// refuses must not (an app probing a route it may not use would otherwise exhaust its
// own quota). So the token is verified here too (a signature check, microseconds); a
// missing or invalid one passes on, for the apps middleware to answer 401.
func onlyApps(v *jwtauth.Verifier, ids []string) chain.Constructor {
	allowed := map[string]bool{}
	for _, id := range ids {
		allowed[id] = true
	}
	return func(next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if token, ok := jwtauth.BearerToken(r); ok {
				if claims, err := v.Verify(token); err == nil && !allowed[claims.Subject] {
					http.Error(w, "forbidden: this app may not use this route", http.StatusForbidden)
					return
				}
			}
			next.ServeHTTP(w, r)
		}), nil
	}
}

// then runs outer around inner.
func then(outer, inner chain.Constructor) chain.Constructor {
	return func(next http.Handler) (http.Handler, error) {
		h, err := inner(next)
		if err != nil {
			return nil, err
		}
		return outer(h)
	}
}

func (b *Builder) rateLimit(rc config.Route, rl config.RateLimit) (chain.Constructor, error) {
	cfg := ratelimit.Config{Name: rl.Name, Policy: ratelimit.Policy{Rate: rl.Rate, Burst: rl.Burst},
		Limiter: b.shared.Local, Logger: b.shared.Logger}
	switch {
	case rl.Key == "route":
		cfg.Key = ratelimit.ByConstant(rc.Name)
	case rl.Key == "service":
		cfg.Name = "svc-" + rc.Service // one bucket for every route to the service
		cfg.Key = ratelimit.ByConstant(rc.Service)
	case rl.Key == "client_ip":
		cfg.Key = ratelimit.ByClientIP()
	case rl.Key == "app":
		cfg.Key = ratelimit.ByApp()
	case strings.HasPrefix(rl.Key, "header:"):
		cfg.Key = ratelimit.ByHeader(strings.TrimPrefix(rl.Key, "header:"))
	}
	if rl.Scope == "cluster" {
		l, err := b.shared.clusterLimiter(rl.OnRedisError)
		if err != nil {
			return nil, err
		}
		cfg.Limiter = l
	}
	return use(ratelimit.New, cfg), nil
}

func (b *Builder) breakerConfig(rc config.Route) breaker.Config {
	bc := rc.Middleware.Breaker
	cc := breaker.CircuitConfig{
		Name:                   "route:" + rc.Name,
		ErrorPercentThreshold:  bc.ErrorPercent,
		RequestVolumeThreshold: bc.MinRequests,
		SleepWindow:            bc.SleepWindow.D(),
		Timeout:                bc.Timeout.D(),
		MaxConcurrentRequests:  bc.MaxConcurrent,
	}
	if on := b.shared.OnBreaker; on != nil {
		name := rc.Name
		cc.OnStateChange = func(_ string, from, to breaker.State) { on(name, from, to) }
	}
	return breaker.Config{CircuitConfig: cc}
}

func (b *Builder) fallback(rc config.Route, lookup func(name string) (http.Handler, error)) (chain.Constructor, error) {
	f := rc.Middleware.Fallback
	cfg := fallback.Config{}
	switch {
	case f.Service != "":
		h, err := lookup(f.Service)
		if err != nil {
			return nil, err
		}
		cfg.Fallback = fallback.Service(h)
	case f.Status != 0:
		cfg.Fallback = fallback.Static{Status: f.Status, Body: []byte(f.Body),
			Header: http.Header{"Content-Type": {f.ContentType}}}
	}
	if f.Cached {
		cfg.Cache = b.shared.cache(rc.Name, f.TTL.D())
	}
	return use(fallback.New, cfg), nil
}

func rules(ops *config.HeaderOps) headers.Rules {
	if ops == nil {
		return headers.Rules{}
	}
	return headers.Rules{Remove: ops.Remove, Set: ops.Set, Add: ops.Add}
}

// IdentityHeader tells the upstream which app (tenant) or subject the gateway
// authenticated, as Kong's X-Consumer-ID does. A client-supplied value is always
// removed first: only the gateway may set it.
const IdentityHeader = "X-Gateway-App"

func stripIdentityHeader(next http.Handler) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del(IdentityHeader)
		next.ServeHTTP(w, r)
	}), nil
}

func identityHeader(next http.Handler) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := identity.From(r.Context()); ok {
			if v := cmp.Or(id.App, id.Subject); v != "" {
				r.Header.Set(IdentityHeader, v)
			}
		}
		next.ServeHTTP(w, r)
	}), nil
}
