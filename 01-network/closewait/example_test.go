package closewait_test

import (
	"context"
	"fmt"
	"log"
	"net"

	"gatewaylab/01-network/closewait"
)

// A client hangs up on a server that forgets to close: the server still
// holds the connection (its socket sits in CLOSE_WAIT). The fixed server
// holds nothing.
func ExampleServer() {
	for _, forget := range []bool{true, false} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		hungUp := make(chan net.Addr, 1)
		srv := &closewait.Server{ForgetClose: forget, OnHangup: func(a net.Addr) { hungUp <- a }}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()

		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		if err := c.Close(); err != nil {
			log.Fatal(err)
		}
		<-hungUp
		fmt.Printf("ForgetClose=%v: connections still open after the client hung up: %d\n", forget, srv.Open())
		cancel()
		if err := <-done; err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// ForgetClose=true: connections still open after the client hung up: 1
	// ForgetClose=false: connections still open after the client hung up: 0
}
