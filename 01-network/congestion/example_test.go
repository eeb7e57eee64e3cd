package congestion_test

import (
	"fmt"
	"log"

	"gatewaylab/01-network/congestion"
)

// Three duplicate ACKs at cwnd 24: Tahoe falls to 1, Reno recovers at 12.
func ExampleSimulate() {
	for _, alg := range []congestion.Algorithm{congestion.Tahoe, congestion.Reno} {
		cfg := congestion.Classic(alg)
		cfg.Rounds = 16
		delete(cfg.Losses, 24) // the timeout lies past round 16
		rounds, err := congestion.Simulate(cfg)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-5s", alg)
		for _, r := range rounds {
			fmt.Printf(" %d", r.Cwnd)
		}
		fmt.Println()
	}
	// Output:
	// Tahoe 1 2 4 8 16 17 18 19 20 21 22 23 24 1 2 4
	// Reno  1 2 4 8 16 17 18 19 20 21 22 23 24 12 13 14
}
