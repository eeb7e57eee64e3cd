package health

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// GRPCConfig configures a gRPC health probe.
type GRPCConfig struct {
	// Service is the service name sent in the check; "" asks about the server as a
	// whole, as the grpc.health.v1 protocol defines.
	Service string
	// DialOptions configure the connection; nil means plaintext (insecure
	// credentials), which is how gRPC services behind a gateway usually listen.
	DialOptions []grpc.DialOption
}

// GRPC returns a Prober that calls grpc.health.v1.Health/Check and passes only on
// SERVING. Like the HTTP probe it opens a fresh connection per probe, so that a server
// that stopped accepting connections fails the check.
func GRPC(cfg GRPCConfig) Prober {
	opts := cfg.DialOptions
	if opts == nil {
		opts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	req := &healthpb.HealthCheckRequest{Service: cfg.Service}
	return ProberFunc(func(ctx context.Context, addr string) error {
		// passthrough: the address is dialled as given, without a DNS resolver in front.
		conn, err := grpc.NewClient("passthrough:///"+addr, opts...)
		if err != nil {
			return fmt.Errorf("grpc probe %s: %w", addr, err)
		}
		defer conn.Close()
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, req)
		if err != nil {
			return fmt.Errorf("grpc probe %s: %w", addr, err)
		}
		if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("grpc probe %s: service %q is %s: %w", addr, cfg.Service, s, ErrNotServing)
		}
		return nil
	})
}
