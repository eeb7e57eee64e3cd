// Package outlier is the passive health check (被动探测, outlier ejection): it watches
// the outcome of real requests and takes a target out of rotation after it failed
// ConsecutiveFailures requests in a row, without waiting for the next active probe.
//
// The rules are Envoy's:
//
//   - a failure is what balancer.Outcome.Failed says: a transport error or a 5xx. A
//     client that went away (context.Canceled) neither counts nor resets the count;
//   - the n-th ejection of a target lasts BaseEjectionTime × n, capped at
//     MaxEjectionTime, so a target that keeps failing is tried less and less often;
//   - n decays: each DecayInterval a target spends back in rotation forgets one past
//     ejection, so a target that recovered is not punished for last week;
//   - at most MaxEjectionPercent of the targets are ejected at once (at least one may
//     always be), so a fault in the gateway itself (a broken route, an exhausted
//     connection pool) cannot eject the whole fleet.
//
// The Detector is a balancer.OutcomeObserver: pass it as balancer.Options.Observer.
// The discovery observer subscribes to the ejected set and removes it from the
// balancer's targets (and applies the panic threshold, which needs both the active and
// the passive view). Run is needed to bring targets back when their time is up.
package outlier
