// Package firstclass shows what "functions are first-class" (函数是一等公民)
// means in Go, and why it is the foundation of every handler and middleware
// in this course.
//
// A first-class function is a value like any other: it can be stored in a
// variable, passed as an argument, returned from a function, and it can
// close over variables (a closure). Go adds one more trick: a function type
// can have methods. That is how a plain function becomes an http.Handler:
//
//	type HandlerFunc func(http.ResponseWriter, *http.Request)
//	func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) { f(w, r) }
//
// HandlerFunc(hello) is a type conversion, not a call: it gives the function
// value hello the method set of HandlerFunc, and so makes it satisfy
// http.Handler. net/http's http.HandlerFunc is exactly this; this package
// defines its own copy to show there is no magic in it.
package firstclass

import (
	"fmt"
	"net/http"
)

// HandlerFunc is this package's copy of http.HandlerFunc: a function type
// whose method calls the function itself.
type HandlerFunc func(http.ResponseWriter, *http.Request)

// ServeHTTP calls f(w, r). This one line is the whole adapter.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) { f(w, r) }

// The compiler checks the claim: our HandlerFunc is an http.Handler.
var _ http.Handler = HandlerFunc(nil)

// Hello is an ordinary function that happens to have the handler signature.
// On its own it is not an http.Handler (functions have no methods); the
// conversion HandlerFunc(Hello) makes it one.
func Hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello from %s\n", r.URL.Path)
}

// Greeter carries configuration for a handler method.
type Greeter struct{ Greeting string }

// Greet has the handler signature too. The method value g.Greet is a
// function with g already bound, so HandlerFunc(g.Greet) is a handler that
// remembers its Greeter.
func (g Greeter) Greet(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintln(w, g.Greeting)
}

// Counter returns a closure: the returned function keeps using the
// variable n after Counter has returned, so each call sees the last count.
// Each Counter() has its own n. The closure is not synchronised, so it is
// for a demo; a real one would use sync/atomic.
func Counter() HandlerFunc {
	n := 0
	return func(w http.ResponseWriter, _ *http.Request) {
		n++
		fmt.Fprintf(w, "call %d\n", n)
	}
}

// Middleware is a function that takes a handler and returns a new one: a
// function as argument and as result at once. 07-middleware builds the
// gateway's onion (洋葱模型) chain out of these.
type Middleware func(http.Handler) http.Handler

// Trace returns a middleware that writes "name before" and "name after"
// around the handler it wraps, making the call order visible.
func Trace(name string) Middleware {
	return func(next http.Handler) http.Handler {
		return HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s before\n", name)
			next.ServeHTTP(w, r)
			fmt.Fprintf(w, "%s after\n", name)
		})
	}
}

// Chain wraps h in mws so that mws[0] is the outermost layer: a request
// passes through mws[0], mws[1]... to h, and the response comes back out in
// reverse order.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}
