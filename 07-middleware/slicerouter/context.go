package slicerouter

import "net/http"

// Context is one request's trip through a group's chain. It belongs to that request
// alone: the handler list it reads is shared but never written, and the position in it
// (index) is per request.
type Context struct {
	// Writer and Request are the request's; a handler may replace Request (for example
	// with a derived context) and the handlers after it, and the final handler, see it.
	Writer  http.ResponseWriter
	Request *http.Request

	handlers []HandlerFunc
	final    http.Handler
	index    int // the step running now; len(handlers) is the final handler
	aborted  bool
	values   map[string]any
}

// Next runs the remaining steps, then returns; code after Next in a handler runs on the
// way out, as in an onion. A handler that does not call Next still lets the chain
// continue after it returns, as gin does.
func (c *Context) Next() {
	for c.index++; c.index <= len(c.handlers) && !c.aborted; c.index++ {
		if c.index == len(c.handlers) {
			c.final.ServeHTTP(c.Writer, c.Request)
			continue
		}
		c.handlers[c.index](c)
	}
}

// Abort stops the chain: no later handler and not the final handler will run. Handlers
// already running finish their code after Next.
func (c *Context) Abort() { c.aborted = true }

// AbortWithStatus writes code with its status text and stops the chain.
func (c *Context) AbortWithStatus(code int) {
	http.Error(c.Writer, http.StatusText(code), code)
	c.Abort()
}

// IsAborted reports whether Abort was called.
func (c *Context) IsAborted() bool { return c.aborted }

// Set stores a value for the handlers after this one (per request, no locking needed).
func (c *Context) Set(key string, v any) {
	if c.values == nil {
		c.values = make(map[string]any)
	}
	c.values[key] = v
}

// Get returns a value stored with Set.
func (c *Context) Get(key string) (any, bool) {
	v, ok := c.values[key]
	return v, ok
}
