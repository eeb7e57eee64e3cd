// Command echo-client makes one call of each kind to an Echo server, directly or
// through a proxy, prints what came back (including which backend answered, and the
// header and trailer it set), then exits.
//
//	go run ./08-grpc-ws/cmd/echo-client -addr 127.0.0.1:8402
//	go run ./08-grpc-ws/cmd/echo-client -addr 127.0.0.1:8402 -token "$TOKEN" -n 6
//	go run ./08-grpc-ws/cmd/echo-client -addr 127.0.0.1:8402 -fail 9   # FailedPrecondition
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"gatewaylab/08-grpc-ws/echopb"
)

type options struct {
	addr    string
	token   string
	n       int
	fail    int
	timeout time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8402", "server or proxy address (cleartext HTTP/2)")
	flag.StringVar(&o.token, "token", "", "bearer token sent as authorization metadata")
	flag.IntVar(&o.n, "n", 3, "number of unary calls (shows balancing)")
	flag.IntVar(&o.fail, "fail", 0, "ask the server to fail the unary calls with this gRPC code")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Second, "deadline of each call")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "echo-client:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	cc, err := grpc.NewClient(o.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cc.Close()
	c := &caller{client: echopb.NewEchoClient(cc), o: o}
	c.unary()
	c.serverStream()
	c.clientStream()
	c.bidi()
	return nil
}

type caller struct {
	client echopb.EchoClient
	o      options
}

// ctx is a call context with the deadline and, when set, the token.
func (c *caller) ctx() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), c.o.timeout)
	if c.o.token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.o.token)
	}
	return ctx, cancel
}

func (c *caller) unary() {
	fmt.Printf("unary x%d:\n", c.o.n)
	for i := range c.o.n {
		ctx, cancel := c.ctx()
		var header, trailer metadata.MD
		res, err := c.client.UnaryEcho(ctx, &echopb.EchoRequest{Message: fmt.Sprint("hello ", i), FailCode: int32(c.o.fail)},
			grpc.Header(&header), grpc.Trailer(&trailer))
		cancel()
		if err != nil {
			fmt.Println("  ", describe(err))
			continue
		}
		fmt.Printf("   %q from %s (header x-served-by=%s, trailer x-echo-count=%s)\n",
			res.GetMessage(), res.GetServedBy(), first(header, "x-served-by"), first(trailer, "x-echo-count"))
	}
}

func (c *caller) serverStream() {
	ctx, cancel := c.ctx()
	defer cancel()
	stream, err := c.client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: "tick", Repeat: 3})
	fmt.Print("server streaming:")
	if err != nil {
		fmt.Println("", describe(err))
		return
	}
	printStream(stream)
}

func (c *caller) clientStream() {
	ctx, cancel := c.ctx()
	defer cancel()
	fmt.Print("client streaming: ")
	stream, err := c.client.ClientStreamingEcho(ctx)
	if err != nil {
		fmt.Println(describe(err))
		return
	}
	for _, m := range []string{"a", "b", "c"} {
		if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
			break // the server has ended the call; CloseAndRecv says how
		}
	}
	res, err := stream.CloseAndRecv()
	if err != nil {
		fmt.Println(describe(err))
		return
	}
	fmt.Printf("sent a, b, c; got %q from %s\n", res.GetMessage(), res.GetServedBy())
}

func (c *caller) bidi() {
	ctx, cancel := c.ctx()
	defer cancel()
	fmt.Print("bidirectional:")
	stream, err := c.client.BidirectionalStreamingEcho(ctx)
	if err != nil {
		fmt.Println("", describe(err))
		return
	}
	for _, m := range []string{"ping", "pong"} {
		if err := stream.Send(&echopb.EchoRequest{Message: m}); err != nil {
			break
		}
	}
	if err := stream.CloseSend(); err != nil {
		fmt.Println("", describe(err))
		return
	}
	printStream(stream)
}

type receiver interface {
	Recv() (*echopb.EchoResponse, error)
}

func printStream(s receiver) {
	for {
		res, err := s.Recv()
		if errors.Is(err, io.EOF) {
			fmt.Println(" (end, status OK)")
			return
		}
		if err != nil {
			fmt.Println("", describe(err))
			return
		}
		fmt.Printf(" %q#%d from %s;", res.GetMessage(), res.GetIndex(), res.GetServedBy())
	}
}

// describe prints a status the way a learner wants to read it: code, message, details.
func describe(err error) string {
	st := status.Convert(err)
	out := fmt.Sprintf("error: code=%s message=%q", st.Code(), st.Message())
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			out += fmt.Sprintf("\n     detail ErrorInfo: reason=%s domain=%s metadata=%v", info.GetReason(), info.GetDomain(), info.GetMetadata())
			continue
		}
		out += fmt.Sprintf("\n     detail %T", d)
	}
	if st.Code() == codes.Unauthenticated {
		out += " (try -token)"
	}
	return out
}

func first(md metadata.MD, key string) string {
	return strings.Join(md.Get(key), ",")
}
