package leanproxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"gatewaylab/04-proxy/leanproxy"
	"gatewaylab/04-proxy/reverseproxy"
)

// The lean transport under stage 04's reverse proxy: plain HTTP/1.1 requests go over
// its own pooled connections, everything else through the *http.Transport it wraps
// (which also supplies the timeouts and pool limits).
func Example() {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s via %s", r.Method, r.URL.Path, r.Header.Get("X-Forwarded-Proto"))
	}))
	defer backend.Close()

	std, err := reverseproxy.NewTransport(reverseproxy.TransportConfig{})
	if err != nil {
		panic(err)
	}
	lean := leanproxy.New(std)
	defer lean.CloseIdleConnections()
	target, _ := url.Parse(backend.URL)
	proxy, err := reverseproxy.New(reverseproxy.Config{Target: target, Transport: lean})
	if err != nil {
		panic(err)
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	res, err := http.Get(front.URL + "/hello")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))
	// Output: 200 GET /hello via http
}
