package server

import (
	"gatewaylab/09-final-gateway/admin"
	"gatewaylab/09-final-gateway/config"
)

// serviceHealth reports a service's targets. Without active checks a target counts as
// healthy; passive ejection and probe results come from the service's watchers.
func (s *Server) serviceHealth(sc config.Service) admin.ServiceHealth {
	h := admin.ServiceHealth{Service: sc.Name, Policy: sc.Balancer.Policy}
	svc := s.Gateway.Snapshot().Service(sc.Name)
	for _, t := range sc.Targets {
		th := admin.TargetHealth{Addr: t.Addr, Weight: t.Weight, Healthy: true}
		if svc != nil {
			if st, ok := svc.TargetState(t.Addr); ok {
				th.Healthy, th.Ejected, th.LastError, th.Since = st.Healthy, st.Ejected, st.LastError, st.Since
			}
		}
		h.Targets = append(h.Targets, th)
	}
	return h
}
