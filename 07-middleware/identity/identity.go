// Package identity carries who is calling, once an authentication middleware (JWT, API
// key, app token) has proven it, to the middlewares after it: rate limits keyed by app,
// per-app flow counters, the access log. It sits in its own package so that a limiter
// can key on "the app" without importing the authentication code.
package identity

import "context"

// Identity is an authenticated caller. The zero value means anonymous.
type Identity struct {
	// App is the tenant (app id) the request is charged to, if any.
	App string
	// Subject is the token's "sub" or the API key's name.
	Subject string
	// Method names what proved it: "jwt", "apikey", "app".
	Method string
}

type ctxKey struct{}

// With returns a context carrying id.
func With(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the identity stored in ctx and whether there is one.
func From(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}
