package udp_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"gatewaylab/02-tcp-udp-http/udp"
)

// The server loses the first request on purpose; the client notices the
// silence, retries, and gets its answer.
func ExampleClient_Exchange() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pc.Close()
	lossy := &udp.LossyConn{PacketConn: pc, DropIn: udp.DropFirst(1)}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- (&udp.Server{Handler: udp.Echo}).Serve(ctx, lossy) }()

	client := udp.Client{
		Timeout: 200 * time.Millisecond,
		OnRetry: func(attempt int, err error) { fmt.Printf("attempt %d (previous: %v)\n", attempt, err) },
	}
	reply, err := client.Exchange(ctx, pc.LocalAddr().String(), []byte("hello"))
	fmt.Printf("reply %q, err %v\n", reply, err)

	_, err = client.Exchange(ctx, pc.LocalAddr().String(), make([]byte, 2000))
	fmt.Println("2000-byte request too large:", errors.Is(err, udp.ErrTooLarge))

	stop()
	fmt.Println("serve:", <-served)
	// Output:
	// attempt 2 (previous: timed out waiting for a reply)
	// reply "hello", err <nil>
	// 2000-byte request too large: true
	// serve: <nil>
}
