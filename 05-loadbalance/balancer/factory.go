package balancer

import (
	"errors"
	"fmt"
	"strings"
)

// Policy names accepted by New, as they appear in configuration files.
const (
	PolicyRandom             = "random"
	PolicyRoundRobin         = "round_robin"
	PolicyWeightedRoundRobin = "weighted_round_robin"
	PolicyConsistentHash     = "consistent_hash"
	PolicyBoundedHash        = "bounded_hash"
	PolicyLeastConn          = "least_conn"
	PolicyPeakEWMA           = "peak_ewma"
)

// ErrUnknownPolicy is wrapped by New when the policy name is not one of Policies.
var ErrUnknownPolicy = errors.New("unknown balancing policy")

var constructors = map[string]func(Options) (Balancer, error){
	PolicyRandom:             func(o Options) (Balancer, error) { return NewRandom(o), nil },
	PolicyRoundRobin:         func(o Options) (Balancer, error) { return NewRoundRobin(o), nil },
	PolicyWeightedRoundRobin: func(o Options) (Balancer, error) { return NewSmoothWeighted(o), nil },
	PolicyConsistentHash:     func(o Options) (Balancer, error) { return NewConsistentHash(o) },
	PolicyBoundedHash:        func(o Options) (Balancer, error) { return NewBoundedLoadHash(o) },
	PolicyLeastConn:          func(o Options) (Balancer, error) { return NewLeastConn(o), nil },
	PolicyPeakEWMA:           func(o Options) (Balancer, error) { return NewPeakEWMA(o) },
}

// Policies returns the names New accepts, in the order of the package documentation.
func Policies() []string {
	return []string{
		PolicyRandom, PolicyRoundRobin, PolicyWeightedRoundRobin, PolicyConsistentHash,
		PolicyBoundedHash, PolicyLeastConn, PolicyPeakEWMA,
	}
}

// New returns an empty balancer for the named policy, so that configuration can choose
// one by name. Fill it with Update.
func New(policy string, opts Options) (Balancer, error) {
	construct, ok := constructors[policy]
	if !ok {
		return nil, fmt.Errorf("policy %q (want one of %s): %w",
			policy, strings.Join(Policies(), ", "), ErrUnknownPolicy)
	}
	b, err := construct(opts)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", policy, err)
	}
	return b, nil
}

// UsesKey reports whether the named policy routes by key, so that callers compute a key
// only when it matters.
func UsesKey(policy string) bool {
	return policy == PolicyConsistentHash || policy == PolicyBoundedHash
}
