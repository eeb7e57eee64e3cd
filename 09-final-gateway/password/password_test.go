package password_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"gatewaylab/09-final-gateway/password"
)

// TestHash makes one hash at Cost: seconds under -race, so the matching is tested on
// hashes of MinCost below.
func TestHash(t *testing.T) {
	h, err := password.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$2a$12$") || password.CostOf(h) != password.Cost {
		t.Errorf("hash %q: want bcrypt at cost %d", h, password.Cost)
	}
	if err := password.Check(h); err != nil {
		t.Errorf("Check(Hash) = %v", err)
	}
}

func TestMatches(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("correct horse battery staple"), password.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !password.Matches(string(h), "correct horse battery staple") {
		t.Error("the password does not match its own hash")
	}
	if password.Matches(string(h), "correct horse battery stapl") {
		t.Error("a wrong password matched")
	}
	if password.Matches("not a hash", "") {
		t.Error("a malformed hash matched")
	}
}

func TestHashRefuses(t *testing.T) {
	tests := []struct {
		name, pw string
		want     error
	}{
		{"empty", "", password.ErrEmpty},
		{"past what bcrypt reads", strings.Repeat("x", password.MaxLen+1), password.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := password.Hash(tt.pw); !errors.Is(err, tt.want) {
				t.Errorf("Hash error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	weak, err := bcrypt.GenerateFromPassword([]byte("pw"), password.MinCost-1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash string
		want       error
	}{
		{"sha256 is not a password hash", "sha256:" + strings.Repeat("ab", 32), password.ErrNotHash},
		{"empty", "", password.ErrNotHash},
		{"cost below the floor", string(weak), password.ErrWeakHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := password.Check(tt.hash); !errors.Is(err, tt.want) {
				t.Errorf("Check error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestDecoyTakesAFullCheck: the decoy is a well-formed hash of the cost asked for, so
// bcrypt runs in full on it. (Timing itself is not asserted: too noisy on a shared
// machine; a malformed decoy would be refused at once, which this test catches.)
func TestDecoyTakesAFullCheck(t *testing.T) {
	for _, cost := range []int{password.MinCost, 14, 40} {
		h := password.DecoyHash(cost)
		if err := password.Check(h); err != nil {
			t.Errorf("decoy of cost %d: %v", cost, err)
		}
		if got, want := password.CostOf(h), min(max(cost, password.MinCost), 31); got != want {
			t.Errorf("decoy of cost %d has cost %d, want %d", cost, got, want)
		}
	}
}

func TestCostOfNotAHash(t *testing.T) {
	if got := password.CostOf("not a hash"); got != password.Cost {
		t.Errorf("CostOf(not a hash) = %d, want %d", got, password.Cost)
	}
}
