package stripprefix_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/stripprefix"
)

func Example() {
	h, err := stripprefix.New(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		fmt.Println(r.URL.Path, r.Header.Get("X-Forwarded-Prefix"))
	}), stripprefix.Config{Prefixes: []string{"/orders"}})
	if err != nil {
		panic(err)
	}
	for _, p := range []string{"/orders/42", "/orders", "/ordersx"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	// Output:
	// /42 /orders
	// / /orders
	// /ordersx
}
