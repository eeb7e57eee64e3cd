package grpcmw

import (
	"context"

	"google.golang.org/grpc/metadata"

	"gatewaylab/07-middleware/identity"
)

// Metadata keys under which the gateway tells an upstream who called. Only the gateway
// may set them: list IdentityKeys in grpcproxy.Config.DropMetadata so that whatever a
// caller sends under these names is removed before ForwardIdentity sets them.
const (
	AppKey     = "x-gateway-app"
	SubjectKey = "x-gateway-subject"
)

// IdentityKeys are the keys ForwardIdentity sets.
var IdentityKeys = []string{AppKey, SubjectKey}

// ForwardIdentity adds the identity a check verified to the upstream's metadata; it is
// a grpcproxy.Config.Outgoing hook. Anonymous calls get nothing.
func ForwardIdentity(ctx context.Context, md metadata.MD) {
	id, ok := identity.From(ctx)
	if !ok {
		return
	}
	if id.App != "" {
		md.Set(AppKey, id.App)
	}
	if id.Subject != "" {
		md.Set(SubjectKey, id.Subject)
	}
}
