package tcpserver_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// A line-echo server: the handler reads lines and writes them back; the
// server owns the connection, its deadlines and its Close.
func ExampleServer() {
	echo := tcpserver.HandlerFunc(func(_ context.Context, conn net.Conn) {
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // io.EOF: the client hung up, or the server is shutting down
			}
			if _, err := io.WriteString(conn, line); err != nil {
				return
			}
		}
	})
	srv := &tcpserver.Server{Handler: echo, IdleTimeout: 30 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fmt.Fprintln(conn, "hello")
	reply, err := bufio.NewReader(conn).ReadString('\n')
	fmt.Printf("reply: %q, err: %v\n", reply, err)

	// Shutdown closes the idle connection and waits for its handler.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("shutdown:", srv.Shutdown(ctx))
	fmt.Println("serve:", <-served)
	// Output:
	// reply: "hello\n", err: <nil>
	// shutdown: <nil>
	// serve: tcpserver: server closed
}
