package config

// Config is one gateway configuration: what it listens on, the services behind it, the
// routes that lead to them, and the tenants (apps) that call them. Zero fields take the
// defaults documented on each; Load applies them and validates the whole.
type Config struct {
	// Admin is the management API and dashboard listener.
	Admin Admin `yaml:"admin"`
	// Listeners accept client traffic.
	Listeners []Listener `yaml:"listeners"`
	// Services are the upstreams: targets, balancing, health checks, timeouts.
	Services []Service `yaml:"services"`
	// Routes map HTTP requests to services, each with its middleware.
	Routes []Route `yaml:"routes"`
	// Apps are the tenants that obtain tokens and have quotas.
	Apps []App `yaml:"apps"`
	// Auth holds the JWT keys the gateway verifies and signs app tokens with.
	Auth Auth `yaml:"auth"`
	// Cluster connects the gateway to etcd and Redis for distributed mode. It is read
	// at start; changing it takes a restart.
	Cluster Cluster `yaml:"cluster"`
	// Log configures the gateway's own logs and the access log.
	Log Log `yaml:"log"`
	// Shedding sizes the in-flight budget that route priorities share (read at start).
	Shedding Shedding `yaml:"shedding"`
	// Demo starts demo backends inside the gateway process, for the embedded default
	// configuration: a newcomer gets something to curl without running anything else.
	Demo Demo `yaml:"demo"`
}

// Admin configures the admin API. It listens on loopback unless told otherwise, and
// every request needs the bearer token.
type Admin struct {
	// Listen is the admin address; default "127.0.0.1:9901". Empty string "off" disables it.
	Listen string `yaml:"listen"`
	// TokenEnv names the environment variable holding the admin token; default
	// GATEWAY_ADMIN_TOKEN. When it is unset the gateway makes a random token at start
	// and prints it: there is no default token that works anywhere else.
	TokenEnv string `yaml:"token_env"`
	// PersistTo is the file admin changes are written to (atomically); default: the
	// file the configuration was loaded from, or nothing for the embedded default.
	PersistTo string `yaml:"persist_to"`
	// Users may log in to the dashboard with a name and password instead of the admin
	// token (issue 11), so that people need not share the token. They are read at each
	// login: a reload that removes a user or changes a password ends their sessions.
	// The JSON API for scripts still takes the bearer token only. Default: none.
	Users []AdminUser `yaml:"users"`
}

// AdminUser is a person who may log in to the dashboard.
type AdminUser struct {
	// Name is what the login form asks for; unique, 1-64 of A-Z a-z 0-9 _ . @ -.
	Name string `yaml:"name"`
	// PasswordHash is the bcrypt hash of the password, cost 10 or more (`gateway
	// hash-password` prints one). The password itself is never stored.
	PasswordHash string `yaml:"password_hash"`
}

// Listener is one port the gateway accepts client connections on.
type Listener struct {
	// Name identifies the listener in logs and metrics. Required, unique.
	Name string `yaml:"name"`
	// Protocol: http (HTTP/1.1, and h2c when H2C is set), https (TLS, HTTP/2 via ALPN),
	// tcp (L4 proxy to Service), grpc (transparent gRPC proxy to Service).
	Protocol string `yaml:"protocol"`
	// Listen is the address, e.g. "0.0.0.0:8080" or "127.0.0.1:8443". Required.
	Listen string `yaml:"listen"`
	// H2C accepts cleartext HTTP/2 with prior knowledge on an http listener (gRPC and
	// REST on one port without TLS).
	H2C bool `yaml:"h2c"`
	// Server serving an http listener: lean (default; stage 04's leanserver: HTTP/1.x on
	// the connection's goroutine, no per-request goroutine, h2c handed to net/http) or
	// std (net/http's server for everything). https listeners always use net/http's,
	// which negotiates HTTP/2.
	Server string `yaml:"server"`
	// TLS configures an https listener (and optionally a grpc one).
	TLS *TLS `yaml:"tls"`
	// Service is the service a tcp or grpc listener sends everything to.
	Service string `yaml:"service"`
	// TrustedProxies are the CIDRs whose X-Forwarded-For is believed (load balancers in
	// front of the gateway). Default: none.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Timeouts of the listener's server; defaults are safe for the open internet.
	Timeouts ListenerTimeouts `yaml:"timeouts"`
	// MaxHeaderBytes bounds request headers; default 64 KiB.
	MaxHeaderBytes ByteSize `yaml:"max_header_bytes"`
	// MaxConns bounds concurrent connections (tcp listeners); default 10000.
	MaxConns int `yaml:"max_conns"`
	// Middleware applied to every tcp connection or grpc call of this listener.
	Middleware *Middleware `yaml:"middleware"`
}

// TLS is a certificate pair, or a development certificate made at start.
type TLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// Dev makes a throwaway CA and certificate for Hosts at start, and writes the CA
	// certificate for curl --cacert to $TMPDIR/gatewaylab-dev-tls-<uid>/<listener>-<listen
	// address>/dev-ca.pem (the start-up warning names it). Never for production.
	Dev   bool     `yaml:"dev"`
	Hosts []string `yaml:"hosts"`
}

// ListenerTimeouts bound how long a client may take. Zero takes the default.
type ListenerTimeouts struct {
	ReadHeader Duration `yaml:"read_header"` // default 10s: slowloris protection
	Read       Duration `yaml:"read"`        // whole request incl. body; default 0 (none: uploads, streams)
	Write      Duration `yaml:"write"`       // default 0 (none: streams, downloads); use route timeouts
	Idle       Duration `yaml:"idle"`        // keep-alive and tcp idle; default 120s
	Shutdown   Duration `yaml:"shutdown"`    // drain deadline at stop; default 15s
}

// Service is an upstream: where it is, how to balance over it and how to check it.
type Service struct {
	// Name identifies the service. Required, unique, [a-z0-9_-].
	Name string `yaml:"name"`
	// Protocol the targets speak: http (default), https, h2c, grpc (h2c, or TLS with
	// TLS set), tcp.
	Protocol string `yaml:"protocol"`
	// Targets is the static target list. Empty when Discovery is set.
	Targets []Target `yaml:"targets"`
	// Discovery takes the targets from the etcd registry instead.
	Discovery *Discovery `yaml:"discovery"`
	// Balancer chooses a target per request (tcp: per connection, grpc: per call).
	Balancer Balancer `yaml:"balancer"`
	// Health configures active probes and passive ejection.
	Health Health `yaml:"health"`
	// Upstream tunes connections to the targets.
	Upstream Upstream `yaml:"upstream"`
	// TLS to the targets (protocol https or grpc over TLS).
	TLS *UpstreamTLS `yaml:"tls"`
}

// Target is one static upstream instance.
type Target struct {
	Addr   string `yaml:"addr"`   // host:port
	Weight int    `yaml:"weight"` // default 1
}

// Discovery selects targets registered in etcd under the cluster prefix.
type Discovery struct {
	// Service is the registry name to watch; default: the service's own name.
	Service string `yaml:"service"`
}

// Balancer selects the balancing policy.
type Balancer struct {
	// Policy: round_robin (default), weighted_round_robin, random, consistent_hash,
	// bounded_hash, least_conn, peak_ewma.
	Policy string `yaml:"policy"`
	// HashKey for the hash policies: ip, path, header:NAME or cookie:NAME; default ip.
	HashKey string `yaml:"hash_key"`
	// Replicas is the number of virtual nodes per unit of weight (hash policies).
	Replicas int `yaml:"replicas"`
	// LoadFactor is bounded_hash's c; default 1.25.
	LoadFactor float64 `yaml:"load_factor"`
}

// Health configures how targets are judged.
type Health struct {
	Active  *ActiveHealth  `yaml:"active"`
	Passive *PassiveHealth `yaml:"passive"`
}

// ActiveHealth probes every target on a schedule.
type ActiveHealth struct {
	Type              string   `yaml:"type"` // http (default for http services), tcp, grpc
	Path              string   `yaml:"path"` // http: default "/healthz"
	ExpectStatus      []int    `yaml:"expect_status"`
	ExpectBody        string   `yaml:"expect_body"`
	Interval          Duration `yaml:"interval"`           // default 5s
	UnhealthyInterval Duration `yaml:"unhealthy_interval"` // default: Interval
	Timeout           Duration `yaml:"timeout"`            // default 2s
	Rise              int      `yaml:"rise"`               // default 2
	Fall              int      `yaml:"fall"`               // default 3
}

// PassiveHealth ejects targets that fail real traffic.
type PassiveHealth struct {
	ConsecutiveFailures int      `yaml:"consecutive_failures"` // default 5
	BaseEjection        Duration `yaml:"base_ejection"`        // default 30s
	MaxEjection         Duration `yaml:"max_ejection"`         // default 5m
	MaxEjectionPercent  int      `yaml:"max_ejection_percent"` // 1-100; 0 takes the default, 50
	PanicThreshold      int      `yaml:"panic_threshold"`      // percent healthy below which all are used; 0 takes the default, 50
}

// Upstream tunes the connection pool to a service's targets.
type Upstream struct {
	DialTimeout           Duration `yaml:"dial_timeout"`            // default 5s
	ResponseHeaderTimeout Duration `yaml:"response_header_timeout"` // default 0 (none)
	IdleConnTimeout       Duration `yaml:"idle_conn_timeout"`       // default 90s
	MaxIdleConnsPerHost   int      `yaml:"max_idle_conns_per_host"` // default 256
	MaxConnsPerHost       int      `yaml:"max_conns_per_host"`      // default 0 (no limit)
	Retries               int      `yaml:"retries"`                 // idempotent requests retried on another target; default 1
	// Transport for plain-HTTP services: lean (default; stage 04's leanproxy: pooled
	// HTTP/1.1 connections driven from the request's goroutine, net/http's Transport
	// for everything else) or std (net/http's Transport for everything).
	Transport string `yaml:"transport"`
}

// UpstreamTLS configures TLS to targets.
type UpstreamTLS struct {
	CAFile     string `yaml:"ca_file"`     // trust this CA instead of the system roots
	ServerName string `yaml:"server_name"` // SNI and verification name
}

// Route maps requests to a service.
type Route struct {
	Name       string            `yaml:"name"`
	Hosts      []string          `yaml:"hosts"`
	PathPrefix string            `yaml:"path_prefix"`
	Path       string            `yaml:"path"`
	Methods    []string          `yaml:"methods"`
	Headers    map[string]string `yaml:"headers"`
	// Service receives the matched requests. Required unless Fallback serves them all.
	Service    string      `yaml:"service"`
	Middleware *Middleware `yaml:"middleware"`
	// Listeners limits the route to these listener names; default: every http/https listener.
	Listeners []string `yaml:"listeners"`
}

// Shedding configures load shedding by priority (see Middleware.Priority).
type Shedding struct {
	// MaxInFlight is the number of requests in flight over all routes; low routes are
	// refused (503) above 60% of it, normal ones above 90%, core ones only at 100%.
	// Default 10000.
	MaxInFlight int `yaml:"max_in_flight"`
}
