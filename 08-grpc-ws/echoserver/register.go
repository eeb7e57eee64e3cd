package echoserver

import (
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"gatewaylab/08-grpc-ws/echopb"
)

// Register puts srv and the standard health service (grpc.health.v1) on s. Health
// reports SERVING for the whole server ("") and for the Echo service; the returned
// health server lets the caller flip that, to take a backend out of rotation before it
// stops (active probing notices, and no new calls arrive).
func Register(s *grpc.Server, srv *Server) *health.Server {
	echopb.RegisterEchoServer(s, srv)
	h := health.NewServer()
	h.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	h.SetServingStatus(echopb.Echo_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(s, h)
	return h
}
