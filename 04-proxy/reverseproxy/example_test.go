package reverseproxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"gatewaylab/04-proxy/reverseproxy"
)

// A proxy in front of one upstream: the upstream sees the proxy's X-Forwarded-For, not
// the one the client wrote.
func ExampleNew() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream saw %s, X-Forwarded-For %q", r.URL.Path, r.Header.Get("X-Forwarded-For"))
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)

	proxy, err := reverseproxy.New(reverseproxy.Config{Target: target})
	if err != nil {
		panic(err)
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	req, _ := http.NewRequest("GET", front.URL+"/hello", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))
	// Output: 200 upstream saw /hello, X-Forwarded-For "127.0.0.1"
}
