package selfreg_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/06-discovery/selfreg"
)

// A backend serves and stays registered until its context ends; then it leaves the
// registry first and stops serving after the drain delay.
func ExampleServe() {
	var reg memory.Registry // an etcdreg.Registry in a real deployment
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sets, err := reg.Watch(ctx, "api")
	if err != nil {
		fmt.Println(err)
		return
	}
	<-sets // the current, empty set

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 8 << 10}
	backendCtx, stopBackend := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		done <- selfreg.Serve(backendCtx, srv, ln, selfreg.Config{
			Registry: &reg, Service: "api", Instance: registry.Instance{Weight: 2}, DrainDelay: 10 * time.Millisecond,
		})
	}()
	set := <-sets
	fmt.Println("registered:", len(set), set[0].Addr == ln.Addr().String(), set[0].Weight)

	stopBackend()
	fmt.Println("after stop:", len(<-sets))
	fmt.Println("Serve returned:", <-done)
	// Output:
	// registered: 1 true 2
	// after stop: 0
	// Serve returned: <nil>
}
