package registrytest_test

import (
	"testing"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
	"gatewaylab/06-discovery/registry/registrytest"
)

// An implementation proves itself by passing the contract. (An example cannot receive
// a *testing.T, so this one is compiled but not run; registry/memory's TestContract is
// this code.)
func ExampleRun() {
	var t *testing.T // in a real test: the test's t
	registrytest.Run(t, func(t *testing.T) registry.Registry { return &memory.Registry{} })
}
