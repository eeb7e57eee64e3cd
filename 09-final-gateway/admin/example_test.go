package admin_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"gatewaylab/09-final-gateway/admin"
)

// A script manages the gateway with the admin token: a change that would not pass
// `gateway check` is refused with the same field path and message, a valid one is
// applied, and a service that a route still uses cannot be deleted.
func Example() {
	backend, err := startFake() // the server package's Backend in a real gateway
	if err != nil {
		panic(err)
	}
	h, err := admin.New(admin.Options{Backend: backend, Token: "s3cret", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(method, path, body string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer s3cret")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s: %d %s", method, path, resp.StatusCode, answer)
	}
	send("POST", "/api/v1/services", `{"name": "shop", "targets": [{"addr": "shop-1"}]}`)
	send("POST", "/api/v1/services", `{"name": "shop", "targets": [{"addr": "127.0.0.1:8081"}]}`)
	send("DELETE", "/api/v1/services/hello", "")
	// Output:
	// POST /api/v1/services: 422 {"error":"invalid configuration","fields":[{"path":"services[3].targets[0].addr","field":"targets[0].addr","message":"\"shop-1\" is not host:port"}]}
	// POST /api/v1/services: 201 {"name":"shop","protocol":"http","targets":[{"addr":"127.0.0.1:8081","weight":1}],"balancer":{"policy":"round_robin","hash_key":"ip"},"health":{},"upstream":{"dial_timeout":"5s","response_header_timeout":"0s","idle_conn_timeout":"1m30s","max_idle_conns_per_host":256,"retries":1,"transport":"lean"}}
	// DELETE /api/v1/services/hello: 409 {"error":"service \"hello\" is still in use by route \"hello\": change or delete them first"}
}
