// Package balancer picks a target (上游节点) for each request: the load-balancing
// (负载均衡) step of the gateway.
//
// # The contract
//
// A [Balancer] has two methods. [Balancer.Pick] chooses an [Endpoint] for one request or
// one call; [Balancer.Update] replaces the whole target set and is the observer hook
// (观察者) that discovery and health checking call. Every policy honours the same rules:
//
//   - Pick is safe for any number of goroutines, also while Update runs. It reads an
//     immutable snapshot through an atomic pointer, so it never waits for Update and
//     never sees a half-built set: a pick returns a member of the old set or of the new one.
//   - Pick makes no allocation (checked by tests with [testing.AllocsPerRun]).
//   - An empty set makes Pick return [ErrNoTarget]; the edge maps it to 503.
//   - Update validates before it changes anything: an address must be non-empty and
//     unique, a weight must be in [1, MaxWeight]. The error names the target, wraps
//     [ErrInvalidTarget], and the previous set stays in force.
//   - An Endpoint is the live state of one address. Update keeps the same *Endpoint for
//     every address that stays, so in-flight counts and latency averages survive
//     discovery changes.
//   - Pick counts the request as in flight. The caller must call [Endpoint.Done] exactly
//     once when the request ends, with its [Outcome]. Outcomes feed the load-aware
//     policies and an optional [OutcomeObserver] (passive health checks, metrics).
//
// # Policies
//
//	name (for New)        type              weights  uses key  feedback
//	random                Random            yes      no        -
//	round_robin           RoundRobin        no       no        -
//	weighted_round_robin  SmoothWeighted    yes      no        -
//	consistent_hash       ConsistentHash    yes      yes       -
//	bounded_hash          BoundedLoadHash   yes      yes       in-flight
//	least_conn            LeastConn         yes      no        in-flight
//	peak_ewma             PeakEWMA          yes      no        in-flight, latency, failures
//
// Build a balancer with [New] or its constructor (the zero values are not ready for use),
// then fill it with Update.
//
// [BlockyWeighted] is the counter-mod-total weighted round robin some gateways ship. It
// exists to be compared with [SmoothWeighted] and is not offered by [New].
//
// Keys for the hash policies come from a [KeyFunc]: the client IP, a header, a cookie or
// the URL path. An empty key has no affinity to keep, so the hash policies spread such
// requests at random instead of sending them all to one target.
package balancer
