package main

import (
	"fmt"
	"strings"

	"gatewaylab/01-network/congestion"
)

// printTable prints both runs side by side, one row per round trip.
func printTable(tahoe, reno []congestion.Round) {
	fmt.Println("       Tahoe                            Reno")
	fmt.Println("round  cwnd ssthresh phase             cwnd ssthresh phase             loss seen at the end")
	for i := range tahoe {
		line := fmt.Sprintf("%5d  %s  %s  %s", tahoe[i].N, cell(tahoe[i]), cell(reno[i]), tahoe[i].Loss)
		fmt.Println(strings.TrimRight(line, " "))
	}
	fmt.Printf("segments sent in %d round trips: Tahoe %d, Reno %d\n", len(tahoe), total(tahoe), total(reno))
}

func cell(r congestion.Round) string {
	return fmt.Sprintf("%4d %8d %-16s", r.Cwnd, r.Ssthresh, phaseLabel[r.Phase])
}

var phaseLabel = map[congestion.Phase]string{
	congestion.SlowStart:           "slow start",
	congestion.CongestionAvoidance: "cong. avoidance",
	congestion.FastRecovery:        "fast recovery",
}

func total(rounds []congestion.Round) int {
	n := 0
	for _, r := range rounds {
		n += r.Cwnd
	}
	return n
}

// plot draws cwnd per round: T for Tahoe, R for Reno, * where they agree.
func plot(tahoe, reno []congestion.Round) {
	top := 0
	for i := range tahoe {
		top = max(top, tahoe[i].Cwnd, reno[i].Cwnd)
	}
	fmt.Println("cwnd (T = Tahoe, R = Reno, * = both)")
	for y := top; y >= 1; y-- {
		var line strings.Builder
		for i := range tahoe {
			line.WriteString(mark(tahoe[i].Cwnd == y, reno[i].Cwnd == y))
		}
		fmt.Printf("%4d |%s\n", y, strings.TrimRight(line.String(), " "))
	}
	fmt.Printf("     +%s\n      ", strings.Repeat("--", len(tahoe)))
	for i := range tahoe {
		if n := tahoe[i].N; n%5 == 0 || n == 1 {
			fmt.Printf("%-2d", n)
		} else {
			fmt.Print("  ")
		}
	}
	fmt.Println(" round trip")
}

func mark(tahoe, reno bool) string {
	switch {
	case tahoe && reno:
		return " *"
	case tahoe:
		return " T"
	case reno:
		return " R"
	}
	return "  "
}
