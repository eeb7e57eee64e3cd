package grpcproxy

import (
	"context"
	"crypto/tls"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// DefaultMaxMsgSize bounds one message in either direction, as gRPC's own default
// receive limit does. A proxy enforces it on both legs, so an upstream cannot make the
// proxy hold a bigger message than a caller could send.
const DefaultMaxMsgSize = 4 << 20

// ServerConfig holds the limits of the proxy's listening side. Zero fields take the
// defaults named with them.
type ServerConfig struct {
	MaxMsgSize           int           // default DefaultMaxMsgSize
	MaxConcurrentStreams uint32        // calls per client connection; default 1000
	ConnectionTimeout    time.Duration // TLS and HTTP/2 handshake; default 10 s
	MaxConnectionIdle    time.Duration // close a connection without calls; default 5 min
	// TLS, when set, terminates TLS; nil serves cleartext HTTP/2 (h2c).
	TLS *tls.Config
}

// NewServer returns a grpc.Server that proxies every call through p, with limits that
// keep one client from exhausting it, plus opt (interceptors, for instance).
func (p *Proxy) NewServer(cfg ServerConfig, opt ...grpc.ServerOption) *grpc.Server {
	cfg = cfg.withDefaults()
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.MaxMsgSize),
		grpc.MaxSendMsgSize(cfg.MaxMsgSize),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.ConnectionTimeout(cfg.ConnectionTimeout),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: cfg.MaxConnectionIdle}),
		// Clients may ping to keep long streams (长连接) alive through NATs, but not flood.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime: 10 * time.Second, PermitWithoutStream: true,
		}),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	opts = append(opts, p.ServerOptions()...)
	return grpc.NewServer(append(opts, opt...)...)
}

func (c ServerConfig) withDefaults() ServerConfig {
	if c.MaxMsgSize == 0 {
		c.MaxMsgSize = DefaultMaxMsgSize
	}
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = 1000
	}
	if c.ConnectionTimeout == 0 {
		c.ConnectionTimeout = 10 * time.Second
	}
	if c.MaxConnectionIdle == 0 {
		c.MaxConnectionIdle = 5 * time.Minute
	}
	return c
}

// DialConfig configures the proxy's connections to its targets.
type DialConfig struct {
	// TLS, when set, speaks TLS to the targets; nil speaks cleartext HTTP/2 (h2c), what
	// gRPC servers inside a cluster usually listen with.
	TLS *tls.Config
	// MaxMsgSize bounds one message; default DefaultMaxMsgSize.
	MaxMsgSize int
	// Options are appended to the dial options (keepalive parameters, stats handlers).
	Options []grpc.DialOption
}

// Dialer returns the DialFunc Upstreams uses to connect to a target. The connections
// ignore service configs from name resolution (a target must not be able to change the
// proxy's retry policy) and identify as the gateway.
func Dialer(cfg DialConfig) DialFunc {
	if cfg.MaxMsgSize == 0 {
		cfg.MaxMsgSize = DefaultMaxMsgSize
	}
	creds := insecure.NewCredentials()
	if cfg.TLS != nil {
		creds = credentials.NewTLS(cfg.TLS)
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithDisableServiceConfig(),
		grpc.WithUserAgent("gatewaylab-grpc-proxy"),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(cfg.MaxMsgSize), grpc.MaxCallSendMsgSize(cfg.MaxMsgSize)),
	}, cfg.Options...)
	return func(addr string) (*grpc.ClientConn, error) {
		return grpc.NewClient(addr, opts...)
	}
}

// GracefulStop stops s like grpc.Server.GracefulStop (no new calls, wait for running
// ones), but only until ctx is done; then it stops s hard and returns ctx's error. The
// course called GracefulStop without a deadline, which one endless stream can hang.
func GracefulStop(ctx context.Context, s *grpc.Server) error {
	done := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Stop()
		<-done
		return ctx.Err()
	}
}
