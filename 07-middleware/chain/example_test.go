package chain_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/chain"
)

// trace is a layer that prints when the request passes in and the response passes out.
func trace(name string) chain.Constructor {
	return chain.Wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Println(name, "pre")
			next.ServeHTTP(w, r)
			fmt.Println(name, "post")
		})
	})
}

// The onion: a wraps b wraps the handler. The request goes in a, b; the response comes
// back out b, a.
func ExampleChain() {
	h, err := chain.New(trace("a"), trace("b")).Then(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		fmt.Println("handler")
	}))
	if err != nil {
		panic(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	// Output:
	// a pre
	// b pre
	// handler
	// b post
	// a post
}
