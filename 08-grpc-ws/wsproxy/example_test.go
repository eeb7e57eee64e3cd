package wsproxy_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/wsproxy"
	"gatewaylab/08-grpc-ws/wsserver"
)

// A WebSocket proxy in front of an echo server: messages cross it both ways, and so
// does the close code the server chose.
func Example() {
	echo := wsserver.NewEcho(wsserver.Config{})
	backend := httptest.NewServer(echo)
	defer backend.Close()
	defer echo.Shutdown(context.Background())

	lb := balancer.NewRoundRobin(balancer.Options{})
	if err := lb.Update([]balancer.Target{{Addr: strings.TrimPrefix(backend.URL, "http://"), Weight: 1}}); err != nil {
		fmt.Println(err)
		return
	}
	p, err := wsproxy.New(wsproxy.Config{Balancer: lb})
	if err != nil {
		fmt.Println(err)
		return
	}
	front := httptest.NewServer(p)
	defer front.Close()
	defer p.Shutdown(context.Background())

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(front.URL, "http")+"/echo", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for _, msg := range []string{"hello", "close 4000 bye"} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			fmt.Println(err)
			return
		}
		_, got, err := c.ReadMessage()
		fmt.Printf("%q %v\n", got, err)
	}
	// Output:
	// "hello" <nil>
	// "" websocket: close 4000: bye
}
