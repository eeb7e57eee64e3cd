package embedetcd_test

import (
	"context"
	"fmt"
	"os"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/embedetcd"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// An etcd that lives inside the process: what the stage's demo runs, so that a learner
// needs nothing installed.
func Example() {
	dir, err := os.MkdirTemp("", "etcd-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	srv, err := embedetcd.Start(embedetcd.Config{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop()

	client, err := clientv3.New(etcdreg.ClientConfig(srv.Endpoints()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	ctx := context.Background()
	if _, err := client.Put(ctx, "/greeting", "hello"); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.Get(ctx, "/greeting")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s = %s\n", resp.Kvs[0].Key, resp.Kvs[0].Value)
	// Output: /greeting = hello
}
