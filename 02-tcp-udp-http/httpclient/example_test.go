package httpclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"gatewaylab/02-tcp-udp-http/httpclient"
)

// Three requests through one pooled client: the first opens a connection,
// the next two reuse it because each body was drained and closed.
func ExampleGet() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello")
	}))
	defer upstream.Close()

	client := httpclient.New(httpclient.DefaultConfig())
	defer client.CloseIdleConnections()
	for i := 1; i <= 3; i++ {
		res, err := httpclient.Get(context.Background(), client, upstream.URL, 1<<10)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("request %d: %d %s reused=%v\n", i, res.Status, res.Body, res.Reused)
	}
	// Output:
	// request 1: 200 hello reused=false
	// request 2: 200 hello reused=true
	// request 3: 200 hello reused=true
}
