package main

import (
	"fmt"
	"io"
	"strings"

	"gatewaylab/05-loadbalance/balancer"
)

// showSequences prints two full weighted cycles of the three order-based policies.
func showSequences(w io.Writer, targets []balancer.Target) error {
	var cycle int
	for _, t := range targets {
		cycle += t.Weight
	}
	fmt.Fprintf(w, "== The first %d picks (two cycles of total weight %d), weights %s\n\n", 2*cycle, cycle, describe(targets))
	for _, policy := range []string{balancer.PolicyRoundRobin, balancer.PolicyWeightedRoundRobin, "blocky"} {
		b, err := filled(policy, balancer.Options{}, targets)
		if err != nil {
			return err
		}
		var picks []string
		for i := range 2 * cycle {
			if i == cycle {
				picks = append(picks, "|")
			}
			ep, err := b.Pick("")
			if err != nil {
				return err
			}
			picks = append(picks, ep.Addr())
			ep.Done(balancer.Outcome{})
		}
		fmt.Fprintf(w, "  %-22s %s\n", label(policy), strings.Join(picks, " "))
	}
	return nil
}

// showHistograms runs n simulated requests through every policy and draws bars.
func showHistograms(w io.Writer, targets []balancer.Target, n int) error {
	fmt.Fprintf(w, "\n== %d requests per policy, one arriving every millisecond\n", n)
	fmt.Fprintf(w, "   weights %s; targets answer in %s; hash keys: 1000 users\n", describe(targets), describeLatencies(targets))
	policies := append(balancer.Policies(), "blocky")
	for _, policy := range policies {
		counts, err := simulate(policy, targets, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n  %s\n", label(policy))
		drawBars(w, targets, counts, n)
	}
	return nil
}

func label(policy string) string {
	if policy == "blocky" {
		return "blocky (n mod total)"
	}
	return policy
}

func describe(targets []balancer.Target) string {
	parts := make([]string, len(targets))
	for i, t := range targets {
		parts[i] = fmt.Sprintf("%s=%d", t.Addr, t.Weight)
	}
	return strings.Join(parts, " ")
}

func describeLatencies(targets []balancer.Target) string {
	parts := make([]string, len(targets))
	for i, t := range targets {
		parts[i] = fmt.Sprintf("%s %v", t.Addr, latencyOf(i))
	}
	return strings.Join(parts, ", ")
}

// drawBars prints one bar per target, scaled so the longest bar is 40 cells, with the
// share each target got next to the share its weight asks for.
func drawBars(w io.Writer, targets []balancer.Target, counts map[string]int, n int) {
	const width = 40
	most, sum := 1, 0
	for _, t := range targets {
		most = max(most, counts[t.Addr])
		sum += t.Weight
	}
	for _, t := range targets {
		c := counts[t.Addr]
		bar := strings.Repeat("█", c*width/most)
		fmt.Fprintf(w, "    %s %-*s %5d %5.1f%%  (weight %4.1f%%)\n", t.Addr, width, bar, c,
			100*float64(c)/float64(n), 100*float64(t.Weight)/float64(sum))
	}
}
