package slowclient_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"gatewaylab/02-tcp-udp-http/slowclient"
)

// A server that reads at most 5 bytes per connection cuts the slow client
// off; Run reports that the server closed, and what it said.
func ExampleRun() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.ReadFull(conn, make([]byte, 5))
		io.WriteString(conn, "too slow, bye")
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	header := "GET / HTTP/1.1\r\nX-Slow: " + strings.Repeat("z", 200) + "\r\n\r\n"
	plan := slowclient.Plan{Payload: []byte(header), Interval: 2 * time.Millisecond}
	res, err := slowclient.Run(ctx, ln.Addr().String(), plan)
	fmt.Printf("closed by server: %v, reply: %q, all sent: %v, err: %v\n",
		res.ClosedByServer, res.Reply, res.Sent == len(plan.Payload), err)
	// Output:
	// closed by server: true, reply: "too slow, bye", all sent: false, err: <nil>
}
