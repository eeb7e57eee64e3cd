// Package health runs active health checks (主动探测): it probes every target on a
// timer and keeps the result, so that a gateway stops sending traffic to a target that
// stopped answering, before any client request has to fail on it.
//
// A Checker probes each target with a Prober (HTTP, TCP connect or grpc.health.v1, or
// any function), at most Config.Concurrency at a time, each probe bounded by
// Config.Timeout. The result is damped by hysteresis: a healthy target turns unhealthy
// only after Fall consecutive failed probes, an unhealthy one healthy again only after
// Rise consecutive passes. A target that alternates pass and fail therefore keeps the
// state it has instead of flapping (Traefik sets the state from every single probe;
// Kong's and APISIX's issue trackers show what that costs). Unhealthy targets are
// probed on their own interval, so a dead target can be checked less often (to spare
// it) or more often (to bring it back sooner).
//
// The target list can change at any time (SetTargets): targets that stay keep their
// state and counters, new ones start in Config.Initial, removed ones stop being probed.
// Subscribers receive the state of every target whenever any state changes, which is
// what the discovery observer turns into the balancer's target set; OnChange sees each
// transition (for logs and metrics) and Statuses serves an admin API.
package health
