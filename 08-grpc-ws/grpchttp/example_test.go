package grpchttp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"gatewaylab/08-grpc-ws/grpchttp"
)

// Split sends gRPC calls (HTTP/2 with an application/grpc content type) one way and
// everything else the other, so one port serves both.
func ExampleSplit() {
	h := grpchttp.Split(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "to the gRPC upstream") }),
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "to the REST upstream") }),
	)
	for _, ct := range []string{"application/grpc", "application/json"} {
		r := httptest.NewRequest(http.MethodPost, "/svc/Method", nil)
		r.ProtoMajor, r.Proto = 2, "HTTP/2.0"
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%s: %s\n", ct, w.Body)
	}
	// Output:
	// application/grpc: to the gRPC upstream
	// application/json: to the REST upstream
}
