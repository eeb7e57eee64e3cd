package main

import (
	"errors"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
)

// backend is one in-process Echo server.
type backend struct {
	name   string
	addr   string
	server *grpc.Server
	health *health.Server
	served chan error
}

type backends []*backend

// startBackends starts n Echo servers on free loopback ports.
func startBackends(n int) (backends, error) {
	var bs backends
	for i := range n {
		b, err := startBackend(fmt.Sprintf("backend-%d", i+1))
		if err != nil {
			bs.stop()
			return nil, err
		}
		fmt.Printf("   %s listening on %s (Echo + grpc.health.v1)\n", b.name, b.addr)
		bs = append(bs, b)
	}
	return bs, nil
}

func startBackend(name string) (*backend, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	s := grpc.NewServer()
	b := &backend{name: name, addr: lis.Addr().String(), server: s, served: make(chan error, 1)}
	b.health = echoserver.Register(s, echoserver.New(name))
	go func() { b.served <- s.Serve(lis) }()
	return b, nil
}

// stop stops every backend (the proxy has already finished its calls).
func (bs backends) stop() {
	for _, b := range bs {
		b.server.Stop()
		if err := <-b.served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			fmt.Printf("%s: %v\n", b.name, err)
		}
	}
}

func (bs backends) instances() []registry.Instance {
	insts := make([]registry.Instance, len(bs))
	for i, b := range bs {
		insts[i] = registry.Instance{Addr: b.addr, Metadata: map[string]string{"name": b.name}}
	}
	return insts
}

func (bs backends) byName(name string) *backend {
	for _, b := range bs {
		if b.name == name {
			return b
		}
	}
	return nil
}

func (bs backends) nameOf(addr string) string {
	for _, b := range bs {
		if b.addr == addr {
			return b.name
		}
	}
	return addr
}

// setServing flips what the backend's health service answers for Echo.
func (b *backend) setServing(serving bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if serving {
		st = healthpb.HealthCheckResponse_SERVING
	}
	b.health.SetServingStatus(echopb.Echo_ServiceDesc.ServiceName, st)
}
