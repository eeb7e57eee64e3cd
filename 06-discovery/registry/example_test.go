package registry_test

import (
	"context"
	"fmt"
	"time"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
)

// A backend registers for as long as its context lives; a watcher sees complete sets:
// first the current one, then every change.
func Example() {
	var reg memory.Registry // or an etcdreg.Registry: the same interface
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sets, err := reg.Watch(ctx, "api")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("watching:", registry.Addrs(<-sets))

	backendCtx, stopBackend := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		done <- reg.Register(backendCtx, "api", registry.Instance{Addr: "10.0.0.1:8080", Weight: 2}, 10*time.Second)
	}()
	fmt.Println("registered:", registry.Addrs(<-sets))

	stopBackend()
	if err := <-done; err != nil {
		fmt.Println(err)
	}
	fmt.Println("deregistered:", registry.Addrs(<-sets))
	// Output:
	// watching: []
	// registered: [10.0.0.1:8080]
	// deregistered: []
}

func ExampleDecode() {
	inst, err := registry.Decode([]byte(`{"addr":"10.0.0.7:8080","metadata":{"zone":"b"}}`))
	fmt.Printf("%+v %v\n", inst, err)
	_, err = registry.Decode([]byte(`{"addr":"10.0.0.7"}`))
	fmt.Println(err)
	// Output:
	// {Addr:10.0.0.7:8080 Weight:1 Metadata:map[zone:b]} <nil>
	// decode instance: instance address "10.0.0.7": address 10.0.0.7: missing port in address: invalid instance
}
