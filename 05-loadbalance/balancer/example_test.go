package balancer_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"gatewaylab/05-loadbalance/balancer"
)

// A balancer starts empty; discovery fills it with Update. Every Pick must be
// matched by one Done with the request's outcome.
func Example() {
	b, err := balancer.New(balancer.PolicyWeightedRoundRobin, balancer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := b.Pick(""); errors.Is(err, balancer.ErrNoTarget) {
		fmt.Println("empty:", err)
	}
	err = b.Update([]balancer.Target{
		{Addr: "10.0.0.1:8080", Weight: 2},
		{Addr: "10.0.0.2:8080", Weight: 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		ep, err := b.Pick("")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("send to", ep.Addr())
		ep.Done(balancer.Outcome{Latency: 3 * time.Millisecond, Status: http.StatusOK})
	}
	// Output:
	// empty: no target available
	// send to 10.0.0.1:8080
	// send to 10.0.0.2:8080
	// send to 10.0.0.1:8080
}

// Smooth weighted round robin spreads a heavy target's turns through the cycle; the
// blocky counter-mod-total version serves them in a run.
func ExampleSmoothWeighted() {
	targets := []balancer.Target{{Addr: "a", Weight: 4}, {Addr: "b", Weight: 3}, {Addr: "c", Weight: 2}}
	for _, b := range []balancer.Balancer{
		balancer.NewSmoothWeighted(balancer.Options{}),
		balancer.NewBlockyWeighted(balancer.Options{}),
	} {
		if err := b.Update(targets); err != nil {
			fmt.Println(err)
			return
		}
		var seq []string
		for range 9 {
			ep, err := b.Pick("")
			if err != nil {
				fmt.Println(err)
				return
			}
			seq = append(seq, ep.Addr())
			ep.Done(balancer.Outcome{})
		}
		fmt.Printf("%T: %s\n", b, strings.Join(seq, " "))
	}
	// Output:
	// *balancer.SmoothWeighted: a b c a b a c b a
	// *balancer.BlockyWeighted: a a a a b b b c c
}

// A consistent-hash balancer keyed by a header sends each user to the same target.
func ExampleConsistentHash() {
	b, err := balancer.NewConsistentHash(balancer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := b.Update([]balancer.Target{{Addr: "a:80", Weight: 1}, {Addr: "b:80", Weight: 1}, {Addr: "c:80", Weight: 1}}); err != nil {
		fmt.Println(err)
		return
	}
	key := balancer.HeaderKey("X-User")
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("X-User", "alice")
	first, err := b.Pick(key(r))
	if err != nil {
		fmt.Println(err)
		return
	}
	first.Done(balancer.Outcome{Status: http.StatusOK})
	same := true
	for range 100 {
		ep, err := b.Pick(key(r))
		if err != nil {
			fmt.Println(err)
			return
		}
		same = same && ep == first
		ep.Done(balancer.Outcome{Status: http.StatusOK})
	}
	fmt.Println("alice always on the same target:", same)
	// Output:
	// alice always on the same target: true
}

// An OutcomeObserver sees every request's outcome: this is how passive health
// checks learn that a target is failing.
func ExampleOutcomeObserver() {
	failures := make(map[string]int) // this example is single-threaded; real observers lock or use atomics
	obs := balancer.OutcomeObserverFunc(func(ep *balancer.Endpoint, o balancer.Outcome) {
		if o.Failed() {
			failures[ep.Addr()]++
		}
	})
	b := balancer.NewRoundRobin(balancer.Options{Observer: obs})
	if err := b.Update([]balancer.Target{{Addr: "up:80", Weight: 1}, {Addr: "down:80", Weight: 1}}); err != nil {
		fmt.Println(err)
		return
	}
	for range 4 {
		ep, err := b.Pick("")
		if err != nil {
			fmt.Println(err)
			return
		}
		o := balancer.Outcome{Status: http.StatusOK}
		if ep.Addr() == "down:80" {
			o = balancer.Outcome{Err: errors.New("connection refused")}
		}
		ep.Done(o)
	}
	fmt.Println(failures)
	// Output:
	// map[down:80:2]
}
