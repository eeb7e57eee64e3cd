package framed_test

import (
	"context"
	"fmt"
	"net"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
)

// A length-prefixed echo server and a client on loopback.
func ExampleServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := codec.NewLengthPrefixed(0)
	srv := &framed.Server{Codec: c, Handler: framed.Echo()}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	client, err := framed.Dial(ctx, ln.Addr().String(), c)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	var reply []byte
	for _, msg := range []string{"hello", "sticky", "packets"} {
		reply, err = client.Call(ctx, []byte(msg), reply)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s -> %s\n", msg, reply)
	}

	stop() // graceful shutdown: Serve returns once the connection is done
	fmt.Println("Serve returned:", <-served)
	// Output:
	// hello -> hello
	// sticky -> sticky
	// packets -> packets
	// Serve returned: <nil>
}
