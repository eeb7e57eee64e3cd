package discovery_test

import (
	"context"
	"fmt"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/discovery"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/memory"
)

// The observer keeps a balancer's targets equal to the registered instances (here
// without health checks, so every instance is routed).
func Example() {
	var reg memory.Registry
	lb := balancer.NewSmoothWeighted(balancer.Options{})
	updates := make(chan discovery.Snapshot, 8)
	obs, err := discovery.New(discovery.Config{
		Source:   discovery.FromRegistry(&reg, "api"),
		Balancer: lb,
		OnUpdate: func(s discovery.Snapshot) { updates <- s },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- obs.Run(ctx) }()
	show := func() {
		s := <-updates
		fmt.Printf("version %d:", s.Version)
		for _, in := range s.Routed {
			fmt.Printf(" %s (weight %d)", in.Addr, in.Weight)
		}
		fmt.Println()
	}
	show()

	var stops []func() error
	for _, in := range []registry.Instance{{Addr: "10.0.0.1:80", Weight: 2}, {Addr: "10.0.0.2:80"}} {
		backend, stop := context.WithCancel(ctx)
		registered := make(chan error, 1)
		go func() { registered <- reg.Register(backend, "api", in, 10*time.Second) }()
		stops = append(stops, func() error { stop(); return <-registered })
		show()
	}
	if err := stops[0](); err != nil { // 10.0.0.1:80 shuts down
		fmt.Println(err)
	}
	show()
	cancel()
	fmt.Println("Run:", <-done)
	if err := stops[1](); err != nil {
		fmt.Println(err)
	}
	// Output:
	// version 1:
	// version 2: 10.0.0.1:80 (weight 2)
	// version 3: 10.0.0.1:80 (weight 2) 10.0.0.2:80 (weight 1)
	// version 4: 10.0.0.2:80 (weight 1)
	// Run: <nil>
}
