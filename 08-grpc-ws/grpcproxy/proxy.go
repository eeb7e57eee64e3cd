package grpcproxy

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/05-loadbalance/balancer"
)

// Config configures a Proxy. Only Upstreams is required.
type Config struct {
	// Upstreams is the target set every call is balanced over.
	Upstreams *Upstreams
	// Key returns the key the hash policies route a call by. Nil means no key (the hash
	// policies then spread calls at random).
	Key KeyFunc
	// Trust lists proxies whose x-forwarded-* metadata is believed; nil trusts none.
	Trust *forwarded.Trust
	// DropMetadata names caller metadata that is never forwarded: the keys the gateway
	// itself sets for the upstream (an authenticated app's identity, say), so that a
	// caller cannot set them. Hop-local keys (":authority", "grpc-*", "content-type",
	// "user-agent", "te", connection headers) are always dropped.
	DropMetadata []string
	// Outgoing, when set, may add to the metadata sent upstream, after the caller's has
	// been filtered: the place to pass on what an interceptor verified.
	Outgoing func(ctx context.Context, md metadata.MD)
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// KeyFunc returns the hash key for one call from its context, its full method name
// ("/pkg.Service/Method") and its incoming metadata.
type KeyFunc func(ctx context.Context, method string, md metadata.MD) string

// MetadataKey keys calls by the first value of the metadata key name (a user or tenant
// ID), so each value sticks to one target under the hash policies.
func MetadataKey(name string) KeyFunc {
	return func(_ context.Context, _ string, md metadata.MD) string {
		if v := md.Get(name); len(v) > 0 {
			return v[0]
		}
		return ""
	}
}

// Proxy forwards gRPC calls it knows nothing about to a balanced upstream: the
// transparent proxy (透明代理). Install it on a grpc.Server with ServerOptions, or use
// NewServer. It is safe for concurrent use.
type Proxy struct {
	ups      *Upstreams
	key      KeyFunc
	trust    *forwarded.Trust
	drop     map[string]bool
	outgoing func(context.Context, metadata.MD)
	logger   *slog.Logger
}

// New returns a Proxy for cfg.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstreams == nil {
		return nil, errors.New("grpcproxy: no upstreams")
	}
	p := &Proxy{
		ups:      cfg.Upstreams,
		key:      cfg.Key,
		trust:    cfg.Trust,
		drop:     lowerKeys(cfg.DropMetadata),
		outgoing: cfg.Outgoing,
		logger:   cfg.Logger,
	}
	if p.key == nil {
		p.key = func(context.Context, string, metadata.MD) string { return "" }
	}
	if p.logger == nil {
		p.logger = slog.Default()
	}
	return p, nil
}

// ServerOptions returns the options that make a grpc.Server hand every call for a
// service it does not serve itself to the proxy, as raw frames.
func (p *Proxy) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.UnknownServiceHandler(p.Handle),
		grpc.ForceServerCodecV2(Codec{}),
	}
}

// Handle is the grpc.StreamHandler that proxies one call. Every call kind arrives as
// a bidirectional stream; the proxy does not need to know which kind it is.
func (p *Proxy) Handle(_ any, ss grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(ss)
	if !ok {
		return status.Error(codes.Internal, "grpcproxy: stream without a method")
	}
	ctx := ss.Context()
	in, _ := metadata.FromIncomingContext(ctx)
	l, err := p.ups.acquire(p.key(ctx, method, in))
	if err != nil {
		p.logger.Warn("grpc proxy: no upstream", "method", method, "err", err)
		return status.Error(codes.Unavailable, "no upstream available")
	}
	start := time.Now()
	headerAt, err := p.forward(ctx, ss, l.conn(), method, in)
	l.end(outcome(err, start, headerAt))
	return p.clientError(err, method, l.up.addr)
}

// bidi describes the upstream call: a bidirectional stream carries every call kind.
var bidi = &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}

// clientGone marks the error that ended the client-to-upstream direction, so that the
// call returns it rather than the cancellation it caused upstream.
type clientGone struct{ err error }

func (c clientGone) Error() string { return c.err.Error() }

// forward runs one call against cc: the client-to-upstream direction in a goroutine,
// the upstream-to-client direction here. The call ends when the upstream ends it (its
// status is returned) or when the client side fails (the upstream call is cancelled).
//
// The goroutine may outlive forward only while it is blocked in ss.RecvMsg after the
// upstream has already finished the call (a server that answers before the client is
// done sending). gRPC ends the stream when the handler returns, which unblocks it; it
// then touches nothing else.
func (p *Proxy) forward(ctx context.Context, ss grpc.ServerStream, cc *grpc.ClientConn,
	method string, in metadata.MD) (time.Time, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outCtx := metadata.NewOutgoingContext(ctx, p.outgoingMD(ctx, in))
	cs, err := cc.NewStream(outCtx, bidi, method,
		grpc.ForceCodecV2(Codec{}), grpc.CallContentSubtype(contentSubtype(in)))
	if err != nil {
		return time.Time{}, err
	}
	go func() {
		if err := sendUp(ss, cs); err != nil {
			cancel(clientGone{err})
		}
	}()
	headerAt, err := sendDown(cs, ss)
	var gone clientGone
	if err != nil && errors.As(context.Cause(ctx), &gone) {
		err = gone.err
	}
	return headerAt, err
}

// outgoingMD is the metadata sent upstream: the caller's without hop-local and dropped
// keys, forwarding keys set by the trust rules, and whatever Outgoing adds.
func (p *Proxy) outgoingMD(ctx context.Context, in metadata.MD) metadata.MD {
	out := filterMD(in, p.drop)
	setForwarded(ctx, out, p.trust)
	if p.outgoing != nil {
		p.outgoing(ctx, out)
	}
	return out
}

// outcome is what the balancer learns about one call: the time to the response
// headers (or to the end, if none came) and the HTTP status nearest to its code.
func outcome(err error, start, headerAt time.Time) balancer.Outcome {
	if headerAt.IsZero() {
		headerAt = time.Now()
	}
	o := balancer.Outcome{Latency: headerAt.Sub(start), Status: HTTPStatus(status.Code(err))}
	if status.Code(err) == codes.Canceled {
		o.Err = context.Canceled // the caller gave up; not the target's fault
	}
	return o
}

// clientError is the error the caller gets. The upstream's own statuses pass through
// untouched (code, message, details); errors the proxy's client connection made up
// itself can name internal addresses ("dial tcp 10.0.0.7:50051: connection refused"),
// so those are logged and replaced by a plain message.
func (p *Proxy) clientError(err error, method, addr string) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		p.logger.Warn("grpc proxy: call failed", "method", method, "upstream", addr, "err", err)
		return status.Error(codes.Internal, "proxy error")
	}
	if st.Code() == codes.Unavailable && madeUpByTransport(st.Message()) {
		p.logger.Warn("grpc proxy: upstream unavailable", "method", method, "upstream", addr, "err", err)
		return status.Error(codes.Unavailable, "upstream unavailable")
	}
	return err
}
