package tcpecho_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpecho"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

func ExampleDialer_Dial() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &tcpserver.Server{Handler: tcpecho.Handler{MaxLineBytes: 32}}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := tcpecho.Dialer{}.Dial(ctx, ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	for _, line := range []string{"hello", "this line is far longer than thirty-two bytes"} {
		reply, err := conn.Exchange(ctx, line)
		fmt.Printf("reply=%q err=%v\n", reply, err)
	}
	// Output:
	// reply="hello" err=<nil>
	// reply="" err=tcpecho: server error: line longer than 32 bytes
}
