package balancer

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNewBuildsEveryPolicy(t *testing.T) {
	want := map[string]string{
		PolicyRandom:             "*balancer.Random",
		PolicyRoundRobin:         "*balancer.RoundRobin",
		PolicyWeightedRoundRobin: "*balancer.SmoothWeighted",
		PolicyConsistentHash:     "*balancer.ConsistentHash",
		PolicyBoundedHash:        "*balancer.BoundedLoadHash",
		PolicyLeastConn:          "*balancer.LeastConn",
		PolicyPeakEWMA:           "*balancer.PeakEWMA",
	}
	if len(Policies()) != len(want) {
		t.Fatalf("Policies() = %v, want %d names", Policies(), len(want))
	}
	for _, name := range Policies() {
		t.Run(name, func(t *testing.T) {
			b, err := New(name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", b); got != want[name] {
				t.Fatalf("New(%q) is a %s, want %s", name, got, want[name])
			}
		})
	}
}

func TestNewRejectsUnknownPolicy(t *testing.T) {
	_, err := New("fastest", Options{})
	if !errors.Is(err, ErrUnknownPolicy) || !strings.Contains(err.Error(), `"fastest"`) ||
		!strings.Contains(err.Error(), "least_conn") {
		t.Fatalf("err = %v, want ErrUnknownPolicy naming the policy and the valid ones", err)
	}
}

func TestNewPassesOptionErrors(t *testing.T) {
	_, err := New(PolicyBoundedHash, Options{LoadFactor: 0.9})
	if !errors.Is(err, ErrInvalidOptions) || !strings.HasPrefix(err.Error(), "policy bounded_hash: ") {
		t.Fatalf("err = %v, want ErrInvalidOptions prefixed with the policy", err)
	}
}

func TestUsesKey(t *testing.T) {
	for _, name := range Policies() {
		want := name == PolicyConsistentHash || name == PolicyBoundedHash
		if got := UsesKey(name); got != want {
			t.Errorf("UsesKey(%q) = %v, want %v", name, got, want)
		}
	}
}
