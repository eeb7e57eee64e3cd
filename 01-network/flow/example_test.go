package flow_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"gatewaylab/01-network/flow"
)

// The receiver stops reading, the sender stalls on a zero window, the
// receiver resumes, and the digests prove every byte arrived.
func Example() {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	sender := flow.NewSender(client, [32]byte{1})
	accepted, err := sender.FillUntilStall(ctx, 100*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("writes stalled after accepting some bytes:", accepted > 0)

	received := make(chan flow.Digest, 1)
	go func() {
		d, err := flow.Receive(ctx, server)
		if err != nil {
			log.Print(err)
		}
		received <- d
	}()
	if err := sender.Send(ctx, 1<<20); err != nil {
		log.Fatal(err)
	}
	if err := client.(*net.TCPConn).CloseWrite(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("every byte arrived intact:", <-received == sender.Digest())
	// Output:
	// writes stalled after accepting some bytes: true
	// every byte arrived intact: true
}
