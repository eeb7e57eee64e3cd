package wsserver_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"

	"gatewaylab/08-grpc-ws/wsserver"
)

// The echo server answers each message with the same type, and shuts down with a
// close frame 1001 rather than a cut.
func ExampleEcho() {
	echo := wsserver.NewEcho(wsserver.Config{})
	srv := httptest.NewServer(echo)
	defer srv.Close()

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
		fmt.Println(err)
		return
	}
	mt, got, err := c.ReadMessage()
	fmt.Println(mt == websocket.BinaryMessage, got, err)

	ended := make(chan error, 1)
	go func() { _, _, err := c.ReadMessage(); ended <- err }() // reading answers the close frame
	fmt.Println("shutdown:", echo.Shutdown(context.Background()))
	fmt.Println(<-ended)
	// Output:
	// true [1 2 3] <nil>
	// shutdown: <nil>
	// websocket: close 1001 (going away): server shutting down
}
