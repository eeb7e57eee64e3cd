package slicerouter_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/slicerouter"
)

func trace(name string) slicerouter.HandlerFunc {
	return func(c *slicerouter.Context) {
		fmt.Println(name, "pre")
		c.Next()
		fmt.Println(name, "post")
	}
}

// The same onion as chain.ExampleChain, written gin-style: a wraps b wraps the final
// handler. Two Use calls on one group used to be exactly the case that broke the
// course's router under concurrency.
func ExampleRouter() {
	r := slicerouter.New()
	r.Group("/api").Use(trace("a")).Use(trace("b"))
	h := r.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { fmt.Println("handler") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/users", nil))
	// Output:
	// a pre
	// b pre
	// handler
	// b post
	// a post
}

// Abort stops the chain: the final handler (the proxy) never runs.
func ExampleContext_Abort() {
	r := slicerouter.New()
	r.Group("/").Use(trace("log"), func(c *slicerouter.Context) {
		fmt.Println("auth: no token")
		c.AbortWithStatus(http.StatusUnauthorized)
	})
	h := r.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { fmt.Println("proxy") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Println("status", rec.Code)
	// Output:
	// log pre
	// auth: no token
	// log post
	// status 401
}
