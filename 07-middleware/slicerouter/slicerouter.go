// Package slicerouter rebuilds the course's gin-style "slice router" (切片路由) safely:
// each path-prefix group holds a list of handlers that run in order, and a handler can
// call c.Next() to wrap the rest (the onion) or c.Abort() to stop the chain.
//
// The course's version appended each request's final proxy closure to the group's
// shared handler slice. When that slice had spare capacity, concurrent requests wrote
// the same backing-array slot and one request ran another's closure, writing to the
// wrong client (course-anchor 3.1.1). Here the group's slice is frozen when the router
// is built and never appended to; each request gets its own Context with its own index,
// and the final handler is a separate field, not a slice element. It also matches on
// r.URL.Path with segment boundaries, not on RequestURI, which an absolute-form request
// line ("GET http://host/secret") used to slip past (course-anchor 3.3.7).
//
// Package chain builds the same onion the idiomatic Go way; the final gateway uses that.
package slicerouter

import (
	"net/http"
	"slices"
	"strings"
)

// HandlerFunc is one step of a group's chain.
type HandlerFunc func(c *Context)

// Router collects groups. Build it at start-up, then call Handler once; a Router is not
// safe for concurrent modification, and changes after Handler do not affect it.
type Router struct {
	groups []*Group
}

// Group is the handler list for one path prefix.
type Group struct {
	prefix   string
	handlers []HandlerFunc
}

// New returns an empty Router.
func New() *Router { return &Router{} }

// Group returns the group for prefix ("/" matches every path), creating it on first use.
func (r *Router) Group(prefix string) *Group {
	prefix = "/" + strings.Trim(prefix, "/")
	for _, g := range r.groups {
		if g.prefix == prefix {
			return g
		}
	}
	g := &Group{prefix: prefix}
	r.groups = append(r.groups, g)
	return g
}

// Use appends handlers to the group's chain and returns the group for chaining calls.
func (g *Group) Use(handlers ...HandlerFunc) *Group {
	g.handlers = append(g.handlers, handlers...)
	return g
}

// Handler freezes the router into an http.Handler. Each request runs the handlers of the
// group with the longest prefix matching its path, then final (typically the proxy) if
// no handler aborted. A path no group matches gets 404.
func (r *Router) Handler(final http.Handler) http.Handler {
	frozen := make([]Group, len(r.groups))
	for i, g := range r.groups {
		// Clip: even if something appended to this slice later it would reallocate, never
		// write into a slot another request reads.
		frozen[i] = Group{prefix: g.prefix, handlers: slices.Clip(slices.Clone(g.handlers))}
	}
	slices.SortFunc(frozen, func(a, b Group) int { return len(b.prefix) - len(a.prefix) })
	return &handler{groups: frozen, final: final}
}

type handler struct {
	groups []Group // longest prefix first
	final  http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := h.match(r.URL.Path)
	if g == nil {
		http.NotFound(w, r)
		return
	}
	c := &Context{Writer: w, Request: r, handlers: g.handlers, final: h.final, index: -1}
	c.Next()
}

func (h *handler) match(path string) *Group {
	for i := range h.groups {
		if hasSegmentPrefix(path, h.groups[i].prefix) {
			return &h.groups[i]
		}
	}
	return nil
}

// hasSegmentPrefix reports whether prefix covers path on a "/" boundary: "/base"
// matches "/base" and "/base/x" but not "/basement".
func hasSegmentPrefix(path, prefix string) bool {
	if prefix == "/" {
		return true
	}
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || path[len(prefix)] == '/'
}
