package memory_test

import (
	"context"
	"fmt"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
)

// A configuration file's static list, replaced as a whole on reload: watchers see one
// new complete set per Set.
func ExampleRegistry_Set() {
	var reg memory.Registry
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sets, err := reg.Watch(ctx, "api")
	if err != nil {
		fmt.Println(err)
		return
	}
	<-sets // the current, empty set

	for _, list := range [][]registry.Instance{
		{{Addr: "10.0.0.2:80"}, {Addr: "10.0.0.1:80", Weight: 3}},
		{{Addr: "10.0.0.3:80"}},
	} {
		if err := reg.Set("api", list); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%+v\n", <-sets)
	}
	// Output:
	// [{Addr:10.0.0.1:80 Weight:3 Metadata:map[]} {Addr:10.0.0.2:80 Weight:1 Metadata:map[]}]
	// [{Addr:10.0.0.3:80 Weight:1 Metadata:map[]}]
}
