package balancer

import (
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestHashIsStableFNV1a(t *testing.T) {
	for _, s := range []string{"", "a", "10.0.0.1", "user-42", "\x00\xff"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := hashKey(s), fmix64(h.Sum64()); got != want {
			t.Errorf("hashKey(%q) = %#x, want fmix64(FNV-1a) = %#x", s, got, want)
		}
	}
	// Pinned so that a change to the hash, which would move every key of every
	// deployed gateway, cannot slip through.
	if got := hashKey("user-42"); got != 0xa39532c7ab051e8d {
		t.Errorf("hashKey(user-42) = %#x; the ring hash changed", got)
	}
	if got, want := hashVirtualNode("10.0.0.1:80", 17), hashKey("10.0.0.1:80#17"); got != want {
		t.Errorf("hashVirtualNode = %#x, want hashKey of the label = %#x", got, want)
	}
}

// ownerOf returns the address each of n keys maps to.
func ownerOf(tb testing.TB, b Balancer, n int) []string {
	tb.Helper()
	owners := make([]string, n)
	for i := range owners {
		ep := mustPick(tb, b, userKey(i))
		owners[i] = ep.Addr()
		ep.Done(Outcome{})
	}
	return owners
}

func TestConsistentHashKeepsKeysOnTheirTarget(t *testing.T) {
	targets := numbered(10)
	b := newFilled(t, PolicyConsistentHash, Options{}, targets)
	first := ownerOf(t, b, 1000)
	if again := ownerOf(t, b, 1000); !equal(first, again) {
		t.Fatal("the same keys moved without any change to the set")
	}
	shuffled := append([]Target(nil), targets...)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	other := newFilled(t, PolicyConsistentHash, Options{}, shuffled)
	if got := ownerOf(t, other, 1000); !equal(first, got) {
		t.Fatal("listing the same targets in another order moved keys; instances would disagree")
	}
}

func TestConsistentHashMovement(t *testing.T) {
	const keys = 20_000
	for _, n := range []int{3, 10, 50} {
		t.Run("add to "+strconv.Itoa(n), func(t *testing.T) {
			b := newFilled(t, PolicyConsistentHash, Options{}, numbered(n))
			before := ownerOf(t, b, keys)
			mustUpdate(t, b, numbered(n+1))
			after := ownerOf(t, b, keys)
			added := numbered(n + 1)[n].Addr
			moved := 0
			for i := range before {
				if before[i] != after[i] {
					moved++
					if after[i] != added {
						t.Fatalf("key %d moved from %s to %s, not to the added target", i, before[i], after[i])
					}
				}
			}
			// The new target's share of the ring is 1/(n+1) give or take the spread of
			// its 160 virtual nodes; allow ±35%.
			ideal := float64(keys) / float64(n+1)
			if f := float64(moved); f < 0.65*ideal || f > 1.35*ideal {
				t.Fatalf("adding a target to %d moved %d of %d keys, want about 1/(n+1) = %.0f (±35%%)", n, moved, keys, ideal)
			}
			t.Logf("add to %d: moved %.2f%% of keys, ideal %.2f%%", n, 100*float64(moved)/keys, 100/float64(n+1))
		})
		t.Run("remove from "+strconv.Itoa(n), func(t *testing.T) {
			targets := numbered(n)
			b := newFilled(t, PolicyConsistentHash, Options{}, targets)
			before := ownerOf(t, b, keys)
			removed := targets[n/2].Addr
			mustUpdate(t, b, append(append([]Target(nil), targets[:n/2]...), targets[n/2+1:]...))
			after := ownerOf(t, b, keys)
			for i := range before {
				if before[i] != after[i] && before[i] != removed {
					t.Fatalf("key %d moved from %s to %s although only %s was removed", i, before[i], after[i], removed)
				}
			}
		})
	}
}

func TestConsistentHashHonoursWeights(t *testing.T) {
	targets := []Target{{"light", 1}, {"medium", 2}, {"heavy", 5}}
	b := newFilled(t, PolicyConsistentHash, Options{}, targets)
	got := counts(t, b, 40_000, userKey)
	assertShares(t, got, targets, 40_000, 0.15)
}

func TestConsistentHashEmptyKeyIsSpread(t *testing.T) {
	targets := numbered(4)
	b := newFilled(t, PolicyConsistentHash, Options{}, targets)
	got := counts(t, b, 20_000, noKey)
	assertShares(t, got, targets, 20_000, 0.25)
}

func TestRingSizeIsBounded(t *testing.T) {
	b, err := NewConsistentHash(Options{Replicas: 1000})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update([]Target{{"small", 1}, {"huge", 5000}})
	if !errors.Is(err, ErrInvalidTarget) {
		t.Fatalf("Update with a ring of 5 million points: err = %v, want ErrInvalidTarget", err)
	}
	t.Log(err)
}

func TestNegativeReplicasRejected(t *testing.T) {
	for _, policy := range []string{PolicyConsistentHash, PolicyBoundedHash} {
		if _, err := New(policy, Options{Replicas: -1}); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("New(%s, Replicas -1): err = %v, want ErrInvalidOptions", policy, err)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
