// Congestion runs the congestion-control (拥塞控制) simulator for TCP Tahoe
// and TCP Reno over the same loss schedule and prints cwnd and ssthresh per
// round trip as a table and an ASCII plot.
//
// Usage:
//
//	go run ./01-network/cmd/congestion [-ssthresh 16] [-rounds 30] [-dupack 13] [-timeout 24]
package main

import (
	"flag"
	"fmt"
	"os"

	"gatewaylab/01-network/congestion"
)

func main() {
	classic := congestion.Classic(congestion.Reno)
	ssthresh := flag.Int("ssthresh", classic.InitialSsthresh, "initial slow-start threshold, in segments")
	rounds := flag.Int("rounds", classic.Rounds, "round trips to simulate")
	dupack := flag.Int("dupack", 13, "round whose loss is detected by three duplicate ACKs (0: none)")
	timeout := flag.Int("timeout", 24, "round whose loss is detected by a retransmission timeout (0: none)")
	flag.Parse()

	losses := map[int]congestion.Loss{}
	if *dupack > 0 {
		losses[*dupack] = congestion.TripleDupAck
	}
	if *timeout > 0 {
		losses[*timeout] = congestion.Timeout
	}
	if err := run(*ssthresh, *rounds, losses); err != nil {
		fmt.Fprintln(os.Stderr, "congestion:", err)
		os.Exit(2)
	}
}

func run(ssthresh, rounds int, losses map[int]congestion.Loss) error {
	var runs [2][]congestion.Round
	for i, alg := range []congestion.Algorithm{congestion.Tahoe, congestion.Reno} {
		r, err := congestion.Simulate(congestion.Config{
			Algorithm: alg, InitialCwnd: 1, InitialSsthresh: ssthresh, Rounds: rounds, Losses: losses,
		})
		if err != nil {
			return err
		}
		runs[i] = r
	}
	fmt.Printf("TCP Tahoe vs Reno: ssthresh starts at %d, cwnd at 1 segment; losses: %s\n\n", ssthresh, describe(losses))
	printTable(runs[0], runs[1])
	fmt.Println()
	plot(runs[0], runs[1])
	fmt.Println("\nTry: go run ./01-network/cmd/congestion -dupack 8 -timeout 0 -ssthresh 8   (an earlier loss)")
	return nil
}

func describe(losses map[int]congestion.Loss) string {
	if len(losses) == 0 {
		return "none"
	}
	s := ""
	for n := range congestion.MaxRounds + 1 {
		if l, ok := losses[n]; ok {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s after round %d", l, n)
		}
	}
	return s
}
