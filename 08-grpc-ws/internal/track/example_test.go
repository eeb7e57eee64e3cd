package track_test

import (
	"context"
	"fmt"
	"time"

	"gatewaylab/08-grpc-ws/internal/track"
)

// politeConn ends as soon as it is asked to go away, as a WebSocket peer answering a
// close frame does.
type politeConn struct {
	name string
	tr   *track.Tracker
}

func (c *politeConn) GoAway() {
	fmt.Println(c.name, "told to go away")
	c.tr.Remove(c)
}

func (c *politeConn) Close() error { return nil }

func ExampleTracker_Shutdown() {
	var tr track.Tracker
	for _, name := range []string{"conn-1"} {
		tr.Add(&politeConn{name: name, tr: &tr})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	fmt.Println("shutdown:", tr.Shutdown(ctx, 0), "open:", tr.Len())
	fmt.Println("accepting new connections:", tr.Add(&politeConn{name: "late", tr: &tr}))
	// Output:
	// conn-1 told to go away
	// shutdown: <nil> open: 0
	// accepting new connections: false
}
