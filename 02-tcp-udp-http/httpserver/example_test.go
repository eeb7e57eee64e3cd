package httpserver_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
)

// Run a safe-by-default server until its context is canceled, then shut it
// down gracefully.
func ExampleRun() {
	srv := httpserver.New(httpserver.Config{}, httpserver.Routes(), nil)
	fmt.Println("ReadHeaderTimeout:", srv.ReadHeaderTimeout, "MaxHeaderBytes:", srv.MaxHeaderBytes)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- httpserver.Run(ctx, srv, ln, 5*time.Second) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/hello?name=Ada")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("%d %q %v\n", resp.StatusCode, body, err)

	stop() // what signal.NotifyContext does on Ctrl-C
	fmt.Println("run:", <-done)
	// Output:
	// ReadHeaderTimeout: 5s MaxHeaderBytes: 65536
	// 200 "hello, Ada\n" <nil>
	// run: <nil>
}
