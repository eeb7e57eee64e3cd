package servemux_test

import (
	"fmt"
	"net/http"

	"gatewaylab/02-tcp-udp-http/servemux"
)

func ExampleResolve() {
	mux, err := servemux.NewMux("GET /items/{id}", "GET /items/latest", "/files/{path...}")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, target := range []string{"/items/42", "/items/latest", "/files/a/b.txt", "/other"} {
		fmt.Printf("GET %-15s -> %s\n", target, servemux.Resolve(mux, http.MethodGet, target))
	}
	fmt.Println(servemux.Register(mux, "GET /items/{name}", http.NotFoundHandler()) != nil)
	// Output:
	// GET /items/42       -> 200 GET /items/{id} id=42
	// GET /items/latest   -> 200 GET /items/latest
	// GET /files/a/b.txt  -> 200 /files/{path...} path=a/b.txt
	// GET /other          -> 404 Not Found
	// true
}
