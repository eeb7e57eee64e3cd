package main

import (
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"gatewaylab/05-loadbalance/balancer"
)

// showMovement counts how many of 100 000 keys change target when an 11th target
// joins ten, and when one of the ten leaves.
func showMovement(w io.Writer) error {
	const keys = 100_000
	fmt.Fprintf(w, "\n== Consistent hashing: %d keys over 10 targets (%d virtual nodes each)\n\n", keys, balancer.DefaultReplicas)
	ten, eleven := servers(10), servers(11)
	nine := append(append([]balancer.Target(nil), ten[:4]...), ten[5:]...)
	for _, change := range []struct {
		what       string
		after      []balancer.Target
		ideal      float64
		onlyTarget string
	}{
		{"add an 11th target", eleven, 1.0 / 11, eleven[10].Addr},
		{"remove " + ten[4].Addr, nine, 1.0 / 10, ten[4].Addr},
	} {
		before, err := owners(ten, keys)
		if err != nil {
			return err
		}
		after, err := owners(change.after, keys)
		if err != nil {
			return err
		}
		moved, involved := 0, 0
		for i := range before {
			if before[i] != after[i] {
				moved++
				if before[i] == change.onlyTarget || after[i] == change.onlyTarget {
					involved++
				}
			}
		}
		fmt.Fprintf(w, "  %-22s %5.2f%% of keys moved (ideal %5.2f%%); %d of %d moves involve %s\n",
			change.what+":", 100*float64(moved)/keys, 100*change.ideal, involved, moved, change.onlyTarget)
		fmt.Fprintf(w, "  %-22s %5.2f%% would move with hash(key) %% n\n", "", 100*moduloMoved(keys, len(ten), len(change.after)))
	}
	return nil
}

// moduloMoved is the share of keys that change target under naive hash-mod-n
// placement when n goes from before to after.
func moduloMoved(keys, before, after int) float64 {
	moved := 0
	for i := range keys {
		h := crc32.ChecksumIEEE([]byte("user-" + strconv.Itoa(i))) // the course's ring hash
		if h%uint32(before) != h%uint32(after) {
			moved++
		}
	}
	return float64(moved) / float64(keys)
}

func servers(n int) []balancer.Target {
	ts := make([]balancer.Target, n)
	for i := range ts {
		ts[i] = balancer.Target{Addr: "10.0.0." + strconv.Itoa(i+1) + ":80", Weight: 1}
	}
	return ts
}

// owners returns the target each key maps to.
func owners(targets []balancer.Target, keys int) ([]string, error) {
	b, err := filled(balancer.PolicyConsistentHash, balancer.Options{}, targets)
	if err != nil {
		return nil, err
	}
	out := make([]string, keys)
	for i := range out {
		ep, err := b.Pick("user-" + strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out[i] = ep.Addr()
		ep.Done(balancer.Outcome{})
	}
	return out, nil
}

// showHotKeys keeps 64 requests in flight with Zipf-skewed keys (a few users send most
// requests) and reports the busiest target under plain and bounded-load hashing.
func showHotKeys(w io.Writer) error {
	const window, picks = 64, 20_000
	targets := servers(8)
	bound := int(math.Ceil(balancer.DefaultLoadFactor * window / float64(len(targets))))
	fmt.Fprintf(w, "\n== Hot keys: %d requests in flight over 8 targets (average %d each), Zipf-skewed users\n\n",
		window, window/len(targets))
	for _, policy := range []string{balancer.PolicyConsistentHash, balancer.PolicyBoundedHash} {
		b, err := filled(policy, balancer.Options{}, targets)
		if err != nil {
			return err
		}
		worst, err := busiest(b, window, picks)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-16s busiest target held %2d in flight\n", policy, worst)
	}
	fmt.Fprintf(w, "  bound for bounded_hash: ceil(%.2f * %d / %d) = %d\n", balancer.DefaultLoadFactor, window, len(targets), bound)
	return nil
}

// busiest drives b with a full window of skewed requests and returns the most any one
// target had in flight at once.
func busiest(b balancer.Balancer, window, picks int) (int64, error) {
	rng := rand.New(rand.NewPCG(7, 7)) // the same skew for both policies
	zipf := rand.NewZipf(rng, 1.2, 1, 10_000)
	var held []*balancer.Endpoint
	var worst int64
	for range picks {
		if len(held) == window {
			k := rng.IntN(window)
			held[k].Done(balancer.Outcome{})
			held[k] = held[window-1]
			held = held[:window-1]
		}
		ep, err := b.Pick("user-" + strconv.FormatUint(zipf.Uint64(), 10))
		if err != nil {
			return 0, err
		}
		held = append(held, ep)
		worst = max(worst, ep.InFlight())
	}
	for _, ep := range held {
		ep.Done(balancer.Outcome{})
	}
	return worst, nil
}
