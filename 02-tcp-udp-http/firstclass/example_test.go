package firstclass_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/02-tcp-udp-http/firstclass"
)

// The course's functional demo: convert a plain function to a handler and
// drive it with httptest, no network needed.
func ExampleHandlerFunc() {
	var h http.Handler = firstclass.HandlerFunc(firstclass.Hello)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/first-class", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// hello from /first-class
}

// Middlewares are functions from handler to handler; Chain nests them like
// an onion.
func ExampleChain() {
	h := firstclass.Chain(firstclass.HandlerFunc(firstclass.Hello),
		firstclass.Trace("log"), firstclass.Trace("auth"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// log before
	// auth before
	// hello from /api
	// auth after
	// log after
}
