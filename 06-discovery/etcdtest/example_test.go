package etcdtest_test

import (
	"testing"

	"gatewaylab/06-discovery/etcdtest"
)

// How a test gets an etcd: Start it, take clients from it, restart it to test what
// happens when etcd goes away and returns. (An example cannot receive a *testing.T,
// so this one is compiled but not run; TestRestartKeepsData runs the same code.)
func ExampleStart() {
	var t *testing.T // in a real test: the test's t
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	if _, err := client.Put(t.Context(), "/k", "v"); err != nil {
		t.Fatal(err)
	}
	etcd.Restart() // same ports, same data; client reconnects by itself
}
