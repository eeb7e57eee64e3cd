package memory_test

import (
	"testing"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/06-discovery/registry/registrytest"
)

func TestContract(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registry.Registry { return &memory.Registry{} })
}

func TestSetReplacesStaticInstancesOnly(t *testing.T) {
	r := &memory.Registry{}
	w := registrytest.Watch(t, r, "api")
	registrytest.Start(t, r, "api", registry.Instance{Addr: "10.0.0.9:80"})
	registrytest.WaitFor(t, w, "10.0.0.9:80")
	if err := r.Set("api", []registry.Instance{{Addr: "10.0.0.1:80"}, {Addr: "10.0.0.2:80"}}); err != nil {
		t.Fatal(err)
	}
	registrytest.WaitFor(t, w, "10.0.0.1:80", "10.0.0.2:80", "10.0.0.9:80")
	if err := r.Set("api", []registry.Instance{{Addr: "10.0.0.3:80"}}); err != nil {
		t.Fatal(err)
	}
	registrytest.WaitFor(t, w, "10.0.0.3:80", "10.0.0.9:80")
	if err := r.Set("api", []registry.Instance{{Addr: "bad"}}); err == nil {
		t.Fatal("Set accepted an address without a port")
	}
	if got, _ := r.List(t.Context(), "api"); len(got) != 2 {
		t.Errorf("a rejected Set changed the set: %v", registry.Addrs(got))
	}
}

func TestCallerMayChangeMetadataAfterRegister(t *testing.T) {
	r := &memory.Registry{}
	md := map[string]string{"version": "1"}
	w := registrytest.Watch(t, r, "api")
	registrytest.Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80", Metadata: md})
	got := registrytest.WaitFor(t, w, "10.0.0.1:80")
	md["version"] = "2"
	got[0].Metadata["version"] = "3"
	listed, err := r.List(t.Context(), "api")
	if err != nil || listed[0].Metadata["version"] != "1" {
		t.Errorf("stored metadata = %v, %v; want version 1", listed, err)
	}
}
