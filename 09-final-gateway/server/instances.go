package server

import (
	"context"
	"time"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/09-final-gateway/admin"
)

// instancesService is the registry name gateway instances announce themselves under.
const instancesService = "gatewaylab-instances"

// announce registers this instance in etcd (a lease kept alive while it runs), so the
// admin API and dashboard can list the cluster's instances.
func (s *Server) announce(ctx context.Context) {
	reg, err := s.registry()
	if err != nil {
		s.logger.Warn("cannot announce this instance", "err", err)
		return
	}
	addr := s.id
	if s.Admin != nil {
		addr = s.Admin.Addr()
	}
	inst := registry.Instance{Addr: addr, Weight: 1, Metadata: map[string]string{
		"id": s.id, "started": s.started.UTC().Format(time.RFC3339),
	}}
	if err := reg.Register(ctx, instancesService, inst, 10*time.Second); err != nil && ctx.Err() == nil {
		s.logger.Warn("instance announcement ended", "err", err)
	}
}

// instances lists the gateway instances announced in etcd.
func (s *Server) instances(ctx context.Context) ([]admin.Instance, error) {
	reg, err := s.registry()
	if err != nil {
		return nil, err
	}
	list, err := reg.List(ctx, instancesService)
	if err != nil {
		return nil, err
	}
	out := make([]admin.Instance, 0, len(list))
	for _, in := range list {
		started, _ := time.Parse(time.RFC3339, in.Metadata["started"])
		out = append(out, admin.Instance{ID: in.Metadata["id"], Admin: in.Addr, Started: started})
	}
	return out, nil
}
