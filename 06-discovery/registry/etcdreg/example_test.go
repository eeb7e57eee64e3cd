package etcdreg_test

import (
	"context"
	"fmt"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/embedetcd"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// A backend registers with a lease; a gateway watches the service; the key layout is
// visible to any etcd client.
func Example() {
	dir, err := os.MkdirTemp("", "etcdreg-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	etcd, err := embedetcd.Start(embedetcd.Config{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer etcd.Stop()
	client, err := clientv3.New(etcdreg.ClientConfig(etcd.Endpoints()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	reg, err := etcdreg.New(etcdreg.Config{Client: client})
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sets, err := reg.Watch(ctx, "api")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("watching:", registry.Addrs(<-sets))

	backend, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- reg.Register(backend, "api", registry.Instance{Addr: "10.0.0.1:8080"}, 5*time.Second) }()
	fmt.Println("registered:", registry.Addrs(<-sets))

	resp, err := client.Get(ctx, "/gatewaylab/services/", clientv3.WithPrefix())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s = %s (lease attached: %v)\n", resp.Kvs[0].Key, resp.Kvs[0].Value, resp.Kvs[0].Lease != 0)

	stop() // revokes the lease: the key goes at once
	if err := <-done; err != nil {
		fmt.Println(err)
	}
	fmt.Println("deregistered:", registry.Addrs(<-sets))
	// Output:
	// watching: []
	// registered: [10.0.0.1:8080]
	// /gatewaylab/services/api/10.0.0.1:8080 = {"addr":"10.0.0.1:8080","weight":1} (lease attached: true)
	// deregistered: []
}
