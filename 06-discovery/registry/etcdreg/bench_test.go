package etcdreg_test

import (
	"testing"

	"gatewaylab/06-discovery/etcdtest"
	"gatewaylab/06-discovery/registry"
)

// BenchmarkWatchLatency is the time from a write in etcd to the watcher holding the new
// complete set: one op is a registration appearing and disappearing (two writes, two
// sets), against an in-process etcd over loopback.
func BenchmarkWatchLatency(b *testing.B) {
	etcd := etcdtest.Start(b)
	client := etcd.Client(b)
	r := newRegistry(b, client)
	watch, err := r.Watch(b.Context(), "api")
	if err != nil {
		b.Fatal(err)
	}
	<-watch
	key := r.Key("api", "10.0.0.1:80")
	value, err := registry.Encode(registry.Instance{Addr: "10.0.0.1:80"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := client.Put(b.Context(), key, string(value)); err != nil {
			b.Fatal(err)
		}
		if set := <-watch; len(set) != 1 {
			b.Fatalf("after put: %v", set)
		}
		if _, err := client.Delete(b.Context(), key); err != nil {
			b.Fatal(err)
		}
		if set := <-watch; len(set) != 0 {
			b.Fatalf("after delete: %v", set)
		}
	}
}
