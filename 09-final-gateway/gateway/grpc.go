package gateway

import (
	"context"
	"errors"
	"net"

	"gatewaylab/09-final-gateway/config"
)

// GRPCServer is a grpc listener's server: stage 08's transparent proxy.
type GRPCServer interface {
	Serve(ln net.Listener) error
	// GracefulStop waits for calls in flight; Stop ends them.
	GracefulStop()
	Stop()
}

func (g *Gateway) startGRPC(l config.Listener) (*running, error) {
	if g.deps.GRPC == nil {
		return nil, errors.New("no gRPC proxy configured")
	}
	srv, err := g.deps.GRPC(l, g)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", l.Listen)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			g.logger.Debug("grpc listener stopped", "listener", l.Name, "err", err)
		}
	}()
	return &running{
		name: l.Name, addr: ln.Addr().String(), logger: g.logger, ln: ln,
		shutdown: func(ctx context.Context) error {
			done := make(chan struct{})
			go func() { srv.GracefulStop(); close(done) }()
			select {
			case <-done:
				return nil
			case <-ctx.Done():
				srv.Stop() // cut the streams still open; GracefulStop then returns
				<-done
				return ctx.Err()
			}
		},
		close: srv.Stop,
	}, nil
}
