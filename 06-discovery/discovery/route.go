package discovery

import (
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/registry"
)

// verdict is the routing decision for one set of observations.
type verdict struct {
	routed []registry.Instance
	panic  bool
}

// targets converts the routed instances into the balancer's input.
func (v verdict) targets() []balancer.Target {
	ts := make([]balancer.Target, len(v.routed))
	for i, in := range v.routed {
		ts[i] = balancer.Target{Addr: in.Addr, Weight: in.Weight}
	}
	return ts
}

// route decides which instances receive traffic. states is nil when no active checker
// runs (every instance counts as healthy); an instance missing from states is treated
// as pending. threshold is in percent; 0 disables panic routing.
func route(insts []registry.Instance, states health.States, ejected []string, threshold int) verdict {
	out := make(map[string]bool, len(ejected))
	for _, a := range ejected {
		out[a] = true
	}
	var usable, checked []registry.Instance
	for _, in := range insts {
		st := health.Healthy
		if states != nil {
			if s, ok := states[in.Addr]; ok {
				st = s
			} else {
				st = health.Pending
			}
		}
		if st == health.Pending {
			continue
		}
		checked = append(checked, in)
		if st == health.Healthy && !out[in.Addr] {
			usable = append(usable, in)
		}
	}
	if threshold > 0 && len(usable)*100 < threshold*len(checked) {
		return verdict{routed: checked, panic: true}
	}
	return verdict{routed: usable}
}
