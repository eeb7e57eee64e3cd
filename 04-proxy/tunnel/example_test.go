package tunnel_test

import (
	"context"
	"fmt"
	"io"
	"net"

	"gatewaylab/04-proxy/tunnel"
)

// A client sends "ping"; the upstream answers "pong" and hangs up. The tunnel passes
// the bytes and the hang-up on, then reports what it moved.
func ExampleJoin() {
	client, proxyClientSide := net.Pipe()
	proxyUpstreamSide, upstream := net.Pipe()
	done := make(chan tunnel.Stats)
	go func() {
		st, _ := tunnel.Join(context.Background(), proxyClientSide, proxyUpstreamSide, 0)
		done <- st
	}()
	go func() {
		io.ReadFull(upstream, make([]byte, 4))
		upstream.Write([]byte("pong"))
		upstream.Close()
	}()
	client.Write([]byte("ping"))
	answer := make([]byte, 4)
	io.ReadFull(client, answer)
	client.Close()
	st := <-done
	fmt.Printf("client got %q; tunnel moved %d bytes up, %d down\n", answer, st.AToB, st.BToA)
	// Output: client got "pong"; tunnel moved 4 bytes up, 4 down
}
