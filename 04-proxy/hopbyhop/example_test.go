package hopbyhop_test

import (
	"fmt"
	"net/http"
	"slices"

	"gatewaylab/04-proxy/hopbyhop"
)

func ExampleRemoveFromRequest() {
	h := http.Header{
		"Connection":    {"X-Debug, keep-alive"},
		"X-Debug":       {"1"},
		"Keep-Alive":    {"timeout=5"},
		"Te":            {"trailers"},
		"Authorization": {"Bearer t"},
	}
	hopbyhop.RemoveFromRequest(h)
	var names []string
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output: [Authorization Te]
}
