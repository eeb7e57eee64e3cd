package echoserver_test

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
)

// Serve Echo with its health service, then make a call that succeeds and one that asks
// to fail.
func Example() {
	s := grpc.NewServer()
	echoserver.Register(s, echoserver.New("backend-1"))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go s.Serve(lis) // returns when Stop closes the listener
	defer s.Stop()

	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)
	res, err := client.UnaryEcho(context.Background(), &echopb.EchoRequest{Message: "hello"})
	fmt.Println(res.GetMessage(), res.GetServedBy(), err)
	_, err = client.UnaryEcho(context.Background(), &echopb.EchoRequest{FailCode: int32(codes.NotFound)})
	fmt.Println(status.Code(err), status.Convert(err).Message())
	// Output:
	// hello backend-1 <nil>
	// NotFound backend-1: failing as asked
}
