// Package chain composes middlewares into an onion (洋葱模型): the first middleware
// listed is the outermost layer, sees the request first and the response last.
//
// This is the idiomatic Go shape, func(http.Handler) http.Handler, and the one the
// final gateway uses. It builds each route's handler once, when the route is configured,
// and never again per request (the course's ChainRouter rebuilt the chain on every
// request). Package slicerouter shows the same onion in the course's gin style.
package chain

import (
	"fmt"
	"net/http"
)

// Middleware wraps a handler in one layer.
type Middleware func(next http.Handler) http.Handler

// Constructor builds one layer and may fail, because middlewares validate their config
// when they are built (an invalid regex, a missing key) rather than on the first request.
type Constructor func(next http.Handler) (http.Handler, error)

// Chain is an ordered list of layers. The zero value is an empty chain. A Chain is a
// value: Append returns a new one and never changes the receiver, so a shared base chain
// can be extended per route safely.
type Chain struct {
	ctors []Constructor
}

// New returns a chain of ctors, outermost first.
func New(ctors ...Constructor) Chain {
	return Chain{ctors: append([]Constructor(nil), ctors...)}
}

// Append returns a new chain with ctors added inside the existing layers.
func (c Chain) Append(ctors ...Constructor) Chain {
	out := make([]Constructor, 0, len(c.ctors)+len(ctors))
	return Chain{ctors: append(append(out, c.ctors...), ctors...)}
}

// Then wraps h in every layer, the last one first, so that the first layer ends up
// outermost. The first constructor error stops the build and names the layer's position.
func (c Chain) Then(h http.Handler) (http.Handler, error) {
	for i := len(c.ctors) - 1; i >= 0; i-- {
		next, err := c.ctors[i](h)
		if err != nil {
			return nil, fmt.Errorf("chain layer %d: %w", i, err)
		}
		h = next
	}
	return h, nil
}

// Len is the number of layers.
func (c Chain) Len() int { return len(c.ctors) }

// Wrap turns a plain middleware that cannot fail into a Constructor.
func Wrap(m Middleware) Constructor {
	return func(next http.Handler) (http.Handler, error) { return m(next), nil }
}

// Use binds a middleware package's New to its config, so layers read as
// chain.Use(ratelimit.New, ratelimit.Config{...}).
func Use[C any](newFn func(http.Handler, C) (http.Handler, error), cfg C) Constructor {
	return func(next http.Handler) (http.Handler, error) { return newFn(next, cfg) }
}
