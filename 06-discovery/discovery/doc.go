// Package discovery is the observer (观察者模式) that keeps a balancer's target set in
// step with the world: it watches a source of instances (a registry, or a static list),
// feeds them to the active health checker and the passive outlier detector, and hands
// the balancer the instances that are fit to receive traffic, each time that set
// changes:
//
//	registry watch ──> instances ──> health.Checker.SetTargets ──┐
//	                        │        outlier.Detector.SetTargets  │ state changes
//	                        ▼                                     ▼
//	               routed = healthy − ejected   (panic threshold: all, when too few are)
//	                        │
//	                        ▼
//	               balancer.Update(routed)      only when routed changed
//
// The course's subject/observer pair (LoadBalanceConf.Attach, Update) did the same with
// a type switch in every balancer; here the balancer only knows Update, and the
// observer is the one goroutine that calls it, so updates arrive in order and never
// concurrently.
//
// # Panic threshold
//
// When health checks fail for most targets at once, the fault is more often in the
// gateway or the network between than in every target. Routing to the few survivors
// would overload them, and routing to none is a certain outage. So, as in Envoy, when
// the share of usable targets (healthy and not ejected) among the checked ones falls
// below PanicThreshold, the observer routes to all checked targets and lets the
// requests decide. Targets still waiting for their first probe are neither counted nor
// routed.
package discovery
