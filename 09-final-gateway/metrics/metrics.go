// Package metrics exposes the gateway's Prometheus metrics: requests by listener, route,
// service and code, latency histograms, upstream health, breaker state, rate-limit
// refusals, open connections, config reloads and the active configuration's hash.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the gateway's collectors in their own registry (not the global one, so
// that tests and several gateways in one process do not collide).
type Metrics struct {
	Registry *prometheus.Registry

	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	limited     *prometheus.CounterVec
	healthy     *prometheus.GaugeVec
	breaker     *prometheus.GaugeVec
	connections *prometheus.GaugeVec
	reloads     *prometheus.CounterVec
	configInfo  *prometheus.GaugeVec
	redisErrors *prometheus.CounterVec
	degraded    *prometheus.GaugeVec

	mu       sync.Mutex
	lastHash string

	// observed caches the collectors of each label set Observe has seen (obsKey ->
	// *observed), so a request costs no label validation, hashing or formatting of the
	// status code: the label sets are few (listeners x routes x codes) and never deleted.
	observed sync.Map
}

type obsKey struct {
	listener, route, service string
	code                     int
}

type observed struct {
	requests prometheus.Counter
	duration prometheus.Observer
	limited  prometheus.Counter // nil unless code is 429
}

// New registers every collector, plus the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_requests_total", Help: "HTTP requests served, by listener, route, service and status code.",
	}, []string{"listener", "route", "service", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "gateway_request_duration_seconds", Help: "Time from request to the end of the response, by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gateway_requests_in_flight", Help: "HTTP requests being served now.",
	})
	m.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_rate_limited_total", Help: "Requests refused with 429 by a rate limit or quota, by route.",
	}, []string{"route"})
	m.healthy = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_upstream_healthy", Help: "1 when a service's target is healthy (active and passive checks), 0 when not.",
	}, []string{"service", "target"})
	m.breaker = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_breaker_state", Help: "Circuit breaker state by route: 0 closed, 1 open, 2 half-open.",
	}, []string{"route"})
	m.connections = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_open_connections", Help: "Client connections open now, by listener.",
	}, []string{"listener"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_config_reloads_total", Help: "Configuration reloads, by result (ok, refused).",
	}, []string{"result"})
	m.configInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_config_info", Help: "1 for the hash of the configuration being served.",
	}, []string{"hash"})
	m.redisErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_dependency_errors_total", Help: "Errors talking to a cluster dependency (etcd, redis).",
	}, []string{"dependency"})
	m.degraded = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_dependency_up", Help: "1 when a cluster dependency (etcd, redis) is reachable, 0 when not.",
	}, []string{"dependency"})
	m.Registry.MustRegister(m.requests, m.duration, m.inFlight, m.limited, m.healthy, m.breaker,
		m.connections, m.reloads, m.configInfo, m.redisErrors, m.degraded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Observe records one finished request.
func (m *Metrics) Observe(listener, route, service string, code int, d time.Duration) {
	if route == "" {
		route = "(none)"
	}
	o := m.collectors(obsKey{listener, route, service, code})
	o.requests.Inc()
	o.duration.Observe(d.Seconds())
	if o.limited != nil {
		o.limited.Inc()
	}
}

// collectors returns the cached collectors for k, making them on first use.
func (m *Metrics) collectors(k obsKey) *observed {
	if v, ok := m.observed.Load(k); ok {
		return v.(*observed)
	}
	o := &observed{
		requests: m.requests.WithLabelValues(k.listener, k.route, k.service, strconv.Itoa(k.code)),
		duration: m.duration.WithLabelValues(k.route),
	}
	if k.code == http.StatusTooManyRequests {
		o.limited = m.limited.WithLabelValues(k.route)
	}
	v, _ := m.observed.LoadOrStore(k, o)
	return v.(*observed)
}

// SetHealthy records a target's health.
func (m *Metrics) SetHealthy(service, target string, healthy bool) {
	m.healthy.WithLabelValues(service, target).Set(b2f(healthy))
}

// ForgetTarget removes a target that is gone from the health gauge.
func (m *Metrics) ForgetTarget(service, target string) {
	m.healthy.DeleteLabelValues(service, target)
}

// SetBreaker records a route's circuit state (0 closed, 1 open, 2 half-open).
func (m *Metrics) SetBreaker(route string, state int) {
	m.breaker.WithLabelValues(route).Set(float64(state))
}

// ConnOpened and ConnClosed track open client connections.
func (m *Metrics) ConnOpened(listener string) { m.connections.WithLabelValues(listener).Inc() }
func (m *Metrics) ConnClosed(listener string) { m.connections.WithLabelValues(listener).Dec() }

// Reloaded records a reload attempt and, when it succeeded, the new config hash.
func (m *Metrics) Reloaded(hash string, err error) {
	if err != nil {
		m.reloads.WithLabelValues("refused").Inc()
		return
	}
	m.reloads.WithLabelValues("ok").Inc()
	m.SetConfigHash(hash)
}

// SetConfigHash records the hash of the configuration being served.
func (m *Metrics) SetConfigHash(hash string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastHash != "" {
		m.configInfo.DeleteLabelValues(m.lastHash)
	}
	m.configInfo.WithLabelValues(hash).Set(1)
	m.lastHash = hash
}

// DependencyError counts an error talking to dependency.
func (m *Metrics) DependencyError(dependency string) { m.redisErrors.WithLabelValues(dependency).Inc() }

// SetDependencyUp records whether dependency is reachable.
func (m *Metrics) SetDependencyUp(dependency string, up bool) {
	m.degraded.WithLabelValues(dependency).Set(b2f(up))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
