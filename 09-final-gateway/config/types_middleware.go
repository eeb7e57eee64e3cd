package config

// Middleware is what runs between a route's match and its service, in this order
// (the onion, outermost first): priority shedding, IP allow/deny, authentication
// (JWT, API key, app token), rate limits, concurrency limit, body limit, timeout,
// circuit breaker with fallback, header transforms, strip prefix, rewrite.
// Recovery, request id, access log and metrics wrap every route and are not listed.
type Middleware struct {
	// Priority for load shedding under overload: core, normal (default) or low. Low
	// routes are shed first so that core ones stay available.
	Priority string `yaml:"priority"`
	// IP allow and deny lists (CIDRs or addresses, IPv4 and IPv6). Deny wins.
	IP *IPFilter `yaml:"ip"`
	// Auth requires credentials; see RouteAuth.
	Auth *RouteAuth `yaml:"auth"`
	// RateLimits are checked in order; the first exhausted one answers 429.
	RateLimits []RateLimit `yaml:"rate_limits"`
	// MaxConcurrent bounds requests in flight on the route (503 beyond); 0: no bound.
	MaxConcurrent int `yaml:"max_concurrent"`
	// BodyLimit bounds request bodies (413 beyond); default 10 MiB, "0" keeps the default,
	// use a large value for uploads.
	BodyLimit ByteSize `yaml:"body_limit"`
	// Timeout bounds the whole request (504 if no answer began); default 0 (none).
	Timeout Duration `yaml:"timeout"`
	// Breaker opens the circuit when the upstream keeps failing.
	Breaker *Breaker `yaml:"breaker"`
	// Fallback answers when the breaker is open or the upstream failed.
	Fallback *Fallback `yaml:"fallback"`
	// RequestHeaders and ResponseHeaders transform headers.
	RequestHeaders  *HeaderOps `yaml:"request_headers"`
	ResponseHeaders *HeaderOps `yaml:"response_headers"`
	// StripPrefix removes a leading path prefix (on a segment boundary) before forwarding.
	StripPrefix string `yaml:"strip_prefix"`
	// Rewrite rules are applied in order to the path before forwarding.
	Rewrite []RewriteRule `yaml:"rewrite"`
}

// IPFilter lists allowed and denied client networks.
type IPFilter struct {
	Allow []string `yaml:"allow"`
	Deny  []string `yaml:"deny"`
}

// RouteAuth says which credentials a route accepts. With more than one set, any one
// valid credential is enough. No credentials: 401; valid but not allowed: 403.
type RouteAuth struct {
	// JWT accepts bearer tokens signed by a key in auth.jwt and issued for its audience.
	JWT *RouteJWT `yaml:"jwt"`
	// APIKey accepts a key from auth.api_keys in this header (default X-API-Key).
	APIKey *RouteAPIKey `yaml:"api_key"`
	// Apps accepts app tokens from the token endpoint and enforces the app's QPS, daily
	// quota and allowed IPs. Optionally only the listed app ids.
	Apps *RouteApps `yaml:"apps"`
}

// RouteJWT configures JWT checks on a route.
type RouteJWT struct {
	// Audience is the "aud" a token must carry. Required: a token for another service
	// (or an app token) must not open this route.
	Audience string `yaml:"audience"`
}

// RouteAPIKey configures API key checks on a route.
type RouteAPIKey struct {
	Header string `yaml:"header"`
}

// RouteApps configures app-token checks on a route.
type RouteApps struct {
	Allow []string `yaml:"allow"`
}

// RateLimit is one token bucket per key.
type RateLimit struct {
	// Name identifies the limit in headers and metrics; default "<route>-<key>".
	Name string `yaml:"name"`
	// Key: route (one bucket for the route, default), service, client_ip, app,
	// header:NAME.
	Key string `yaml:"key"`
	// Rate is requests per second (fractions allowed: 0.5 is one every 2 s). Required.
	Rate float64 `yaml:"rate"`
	// Burst is the bucket size; default: Rate rounded up.
	Burst int `yaml:"burst"`
	// Scope: local (this instance, default) or cluster (one bucket in Redis for all
	// instances; needs cluster.redis).
	Scope string `yaml:"scope"`
	// OnRedisError for cluster scope: open (allow, default) or closed (refuse).
	OnRedisError string `yaml:"on_redis_error"`
}

// Breaker configures the circuit breaker (hystrix model).
type Breaker struct {
	ErrorPercent  int      `yaml:"error_percent"`  // default 50
	MinRequests   int      `yaml:"min_requests"`   // volume before the percentage counts; default 20
	SleepWindow   Duration `yaml:"sleep_window"`   // open time before a trial request; default 5s
	Timeout       Duration `yaml:"timeout"`        // a call slower than this counts as a failure; default 10s
	MaxConcurrent int      `yaml:"max_concurrent"` // default 100
}

// Fallback is the degraded answer (降级). Exactly one of Status, Cached or Service.
type Fallback struct {
	// Static answer.
	Status      int    `yaml:"status"`
	Body        string `yaml:"body"`
	ContentType string `yaml:"content_type"`
	// Cached serves the last good response for the same GET path, if one is fresh
	// enough (TTL, default 5m); with nothing cached, the upstream's own answer goes
	// through.
	Cached bool     `yaml:"cached"`
	TTL    Duration `yaml:"ttl"`
	// Service sends the request to another service instead.
	Service string `yaml:"service"`
}

// HeaderOps transform headers: Remove first, then Set, then Add.
type HeaderOps struct {
	Set    map[string]string `yaml:"set"`
	Add    map[string]string `yaml:"add"`
	Remove []string          `yaml:"remove"`
}

// RewriteRule replaces the path when Match (a regular expression) matches it.
type RewriteRule struct {
	Match   string `yaml:"match"`
	Replace string `yaml:"replace"` // $1, ${name} expand capture groups
}

// App is a tenant.
type App struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// SecretHash is "sha256:<hex>" of the app's secret (gateway hash-secret prints it).
	SecretHash string   `yaml:"secret_hash"`
	QPS        float64  `yaml:"qps"`
	Burst      int      `yaml:"burst"`
	DailyQuota int64    `yaml:"daily_quota"`
	AllowedIPs []string `yaml:"allowed_ips"`
}

// Auth holds keys and the token endpoint.
type Auth struct {
	JWT     JWT      `yaml:"jwt"`
	APIKeys []APIKey `yaml:"api_keys"`
	// TokenPath is the client-credentials endpoint on http/https listeners; default
	// "/oauth/tokens". It is only served when apps exist.
	TokenPath string   `yaml:"token_path"`
	TokenTTL  Duration `yaml:"token_ttl"` // default 1h
}

// JWT lists verification keys; the first HMAC/private key signs app tokens.
type JWT struct {
	Issuer string   `yaml:"issuer"` // default "gatewaylab"
	Keys   []JWTKey `yaml:"keys"`
}

// JWTKey is one key, pinned to one algorithm. Secrets come from the environment or a
// file, never from the config text; Generate makes a random key at start (a demo: its
// tokens die with the process, and cluster instances would not share it).
type JWTKey struct {
	ID             string `yaml:"id"`
	Algorithm      string `yaml:"algorithm"` // HS256, RS256, ES256
	SecretEnv      string `yaml:"secret_env"`
	SecretFile     string `yaml:"secret_file"`
	PublicKeyFile  string `yaml:"public_key_file"`
	PrivateKeyFile string `yaml:"private_key_file"`
	Generate       bool   `yaml:"generate"`
}

// APIKey is one key, stored as a hash.
type APIKey struct {
	ID      string `yaml:"id"`
	KeyHash string `yaml:"key_hash"` // sha256:<hex>
	App     string `yaml:"app"`      // optional: the app the key belongs to
}

// Cluster connects to shared state for distributed mode.
type Cluster struct {
	Etcd  *Etcd  `yaml:"etcd"`
	Redis *Redis `yaml:"redis"`
}

// Etcd holds config and the service registry.
type Etcd struct {
	Endpoints   []string `yaml:"endpoints"`
	Prefix      string   `yaml:"prefix"` // default "/gatewaylab"
	DialTimeout Duration `yaml:"dial_timeout"`
}

// Redis holds cluster-wide limits and counters.
type Redis struct {
	Addr        string `yaml:"addr"`
	PasswordEnv string `yaml:"password_env"`
	DB          int    `yaml:"db"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info (default), warn, error
	Access bool   `yaml:"access"` // JSON access log to stdout; default false
}

// Demo starts demo backends in-process.
type Demo struct {
	// Backends starts one demo HTTP backend per address; a service may point at them.
	Backends []string `yaml:"backends"`
	// GRPC starts demo gRPC echo backends.
	GRPC []string `yaml:"grpc"`
	// TCP starts demo TCP echo backends.
	TCP []string `yaml:"tcp"`
	// WebSocket starts demo WebSocket echo backends.
	WebSocket []string `yaml:"websocket"`
	// App creates a demo app with a random secret printed at start.
	App string `yaml:"app"`
}
