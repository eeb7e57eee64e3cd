package grpcproxy_test

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/grpcproxy"
)

// A transparent proxy over two Echo backends: the proxy has no Echo code, yet every
// call reaches a backend, balanced call by call over one pooled connection each.
func Example() {
	var stops []func()
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	serve := func(s *grpc.Server) string {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		go s.Serve(lis) // returns when Stop closes the listener
		stops = append(stops, s.Stop)
		return lis.Addr().String()
	}
	var targets []balancer.Target
	for _, name := range []string{"backend-1", "backend-2"} {
		s := grpc.NewServer()
		echoserver.Register(s, echoserver.New(name))
		targets = append(targets, balancer.Target{Addr: serve(s), Weight: 1})
	}

	ups := grpcproxy.NewUpstreams(balancer.NewRoundRobin(balancer.Options{}), grpcproxy.Dialer(grpcproxy.DialConfig{}))
	defer ups.Close()
	if err := ups.Update(targets); err != nil {
		fmt.Println(err)
		return
	}
	p, err := grpcproxy.New(grpcproxy.Config{Upstreams: ups})
	if err != nil {
		fmt.Println(err)
		return
	}
	proxyAddr := serve(p.NewServer(grpcproxy.ServerConfig{}))

	cc, err := grpc.NewClient(proxyAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)
	for range 4 {
		res, err := client.UnaryEcho(context.Background(), &echopb.EchoRequest{Message: "hi"})
		fmt.Println(res.GetMessage(), "from", res.GetServedBy(), err)
	}
	// Output:
	// hi from backend-1 <nil>
	// hi from backend-2 <nil>
	// hi from backend-1 <nil>
	// hi from backend-2 <nil>
}

// The balancer learns each call's outcome as the HTTP status nearest to its code.
func ExampleHTTPStatus() {
	for _, c := range []codes.Code{codes.OK, codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Canceled} {
		fmt.Println(c, grpcproxy.HTTPStatus(c))
	}
	// Output:
	// OK 200
	// Unavailable 503
	// DeadlineExceeded 504
	// ResourceExhausted 429
	// Canceled 499
}
