package outlier_test

import (
	"fmt"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/outlier"
)

// The detector is the balancer's outcome observer. Three 502s in a row from one target
// eject it for BaseEjectionTime; the discovery observer then removes it from the
// balancer's target set until it returns.
func Example() {
	detector, err := outlier.New(outlier.Config{
		ConsecutiveFailures: 3,
		BaseEjectionTime:    30 * time.Second,
		MaxEjectionPercent:  50,
		OnChange: func(e outlier.Event) {
			fmt.Printf("ejected %s (ejection #%d) for %v\n", e.Addr, e.Ejections, e.Until.Sub(e.At))
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	lb := balancer.NewRoundRobin(balancer.Options{Observer: detector})
	targets := []balancer.Target{{Addr: "10.0.0.1:80", Weight: 1}, {Addr: "10.0.0.2:80", Weight: 1}}
	if err := lb.Update(targets); err != nil {
		fmt.Println(err)
		return
	}
	detector.SetTargets([]string{"10.0.0.1:80", "10.0.0.2:80"})

	for range 6 { // round robin: each target gets three requests
		ep, err := lb.Pick("")
		if err != nil {
			fmt.Println(err)
			return
		}
		status := 200
		if ep.Addr() == "10.0.0.2:80" {
			status = 502
		}
		ep.Done(balancer.Outcome{Status: status})
	}
	fmt.Println("ejected now:", detector.Ejected())
	// Output:
	// ejected 10.0.0.2:80 (ejection #1) for 30s
	// ejected now: [10.0.0.2:80]
}
