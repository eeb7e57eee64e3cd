// Command histogram sends picks through every balancing policy and draws what each
// one did: the order of the first picks, the distribution as terminal bars, how many
// consistent-hash keys move when a target joins or leaves, and how bounded loads tame
// hot keys. It is a script: it runs for a moment and exits.
//
//	go run ./05-loadbalance/cmd/histogram
//	go run ./05-loadbalance/cmd/histogram -weights 5,1,1 -n 7000
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gatewaylab/05-loadbalance/balancer"
)

func main() {
	n := flag.Int("n", 9000, "picks per policy in the histograms")
	weights := flag.String("weights", "4,3,2", "comma-separated weights of targets a, b, c, ...")
	flag.Parse()
	if err := run(os.Stdout, *n, *weights); err != nil {
		fmt.Fprintln(os.Stderr, "histogram:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, n int, weightList string) error {
	if n < 1 {
		return fmt.Errorf("-n %d: need at least one pick", n)
	}
	targets, err := parseTargets(weightList)
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { return showSequences(w, targets) },
		func() error { return showHistograms(w, targets, n) },
		func() error { return showMovement(w) },
		func() error { return showHotKeys(w) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\nTry next: -weights 5,1,1 (nginx's own example), -weights 1,1,1,1,10, or read")
	fmt.Fprintln(w, "05-loadbalance/README.md for why smooth beats blocky.")
	return nil
}

// parseTargets turns "4,3,2" into targets a, b, c with those weights.
func parseTargets(list string) ([]balancer.Target, error) {
	fields := strings.Split(list, ",")
	if len(fields) > 26 {
		return nil, fmt.Errorf("-weights: %d targets, at most 26 (a to z)", len(fields))
	}
	targets := make([]balancer.Target, len(fields))
	for i, f := range fields {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("-weights: target %d: %w", i, err)
		}
		targets[i] = balancer.Target{Addr: string(rune('a' + i)), Weight: w}
	}
	return targets, nil
}

// filled builds the named policy, or the teaching BlockyWeighted for "blocky", and
// loads targets into it.
func filled(policy string, opts balancer.Options, targets []balancer.Target) (balancer.Balancer, error) {
	var b balancer.Balancer = balancer.NewBlockyWeighted(opts)
	if policy != "blocky" {
		var err error
		if b, err = balancer.New(policy, opts); err != nil {
			return nil, err
		}
	}
	if err := b.Update(targets); err != nil {
		return nil, fmt.Errorf("%s: %w", policy, err)
	}
	return b, nil
}
