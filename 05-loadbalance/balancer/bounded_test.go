package balancer

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// skewedLoad drives b with keys drawn from a Zipf distribution (a few keys are very
// hot), keeping up to window requests in flight and finishing a random one when the
// window is full. After every pick it calls check with the picked endpoint and the
// number of requests in flight, this one included.
func skewedLoad(tb testing.TB, b Balancer, picks, window int, check func(ep *Endpoint, total int)) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: the same skew on every run
	zipf := rand.NewZipf(rng, 1.2, 1, 10_000)
	var held []*Endpoint
	for range picks {
		if len(held) == window {
			k := rng.IntN(len(held))
			held[k].Done(Outcome{})
			held[k] = held[len(held)-1]
			held = held[:len(held)-1]
		}
		ep := mustPick(tb, b, "key-"+strconv.FormatUint(zipf.Uint64(), 10))
		held = append(held, ep)
		check(ep, len(held))
	}
	for _, ep := range held {
		ep.Done(Outcome{})
	}
}

func TestBoundedLoadNeverExceedsBound(t *testing.T) {
	tests := []struct {
		name    string
		factor  float64
		targets []Target
	}{
		{"c=1.25 equal weights", 1.25, numbered(8)},
		{"c=1 equal weights", 1, numbered(5)},
		{"c=1.5 uneven weights", 1.5, weighted(1, 2, 3, 1, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBoundedLoadHash(Options{LoadFactor: tt.factor})
			if err != nil {
				t.Fatal(err)
			}
			mustUpdate(t, b, tt.targets)
			weightOf, sum := weightsByAddr(tt.targets)
			skewedLoad(t, b, 20_000, 64, func(ep *Endpoint, total int) {
				bound := int64(math.Ceil(tt.factor * float64(total) * float64(weightOf[ep.Addr()]) / float64(sum)))
				if ep.InFlight() > bound {
					t.Fatalf("%s has %d in flight, bound ceil(%v * %d * %d/%d) = %d",
						ep.Addr(), ep.InFlight(), tt.factor, total, weightOf[ep.Addr()], sum, bound)
				}
			})
			if n := b.inFlight.Load(); n != 0 {
				t.Fatalf("balancer-wide in-flight count = %d after every Done, want 0", n)
			}
		})
	}
}

// TestPlainHashingOverloadsUnderSkew shows the problem BoundedLoadHash solves: the same
// workload through ConsistentHash piles far more than c times the average on one target.
func TestPlainHashingOverloadsUnderSkew(t *testing.T) {
	targets := numbered(8)
	b := newFilled(t, PolicyConsistentHash, Options{}, targets)
	worst := 0.0
	const window = 64
	skewedLoad(t, b, 5_000, window, func(ep *Endpoint, total int) {
		if total == window { // judge a full window, not the first few requests
			worst = max(worst, float64(ep.InFlight())/(float64(total)/float64(len(targets))))
		}
	})
	if worst <= DefaultLoadFactor {
		t.Fatalf("worst target load = %.2f times the average; expected the skew to exceed %v", worst, DefaultLoadFactor)
	}
	t.Logf("plain consistent hashing: worst target at %.1f times the average", worst)
}

func TestBoundedLoadSpillsHotKeyAndReturnsHome(t *testing.T) {
	b, err := NewBoundedLoadHash(Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, b, numbered(4))
	home := mustPick(t, b, "hot")
	home.Done(Outcome{})
	held := make([]*Endpoint, 20)
	spilled := make(map[string]bool)
	for i := range held {
		held[i] = mustPick(t, b, "hot")
		spilled[held[i].Addr()] = true
	}
	if len(spilled) < 3 {
		t.Fatalf("20 concurrent requests for one key used %d targets, want the overflow spread over at least 3", len(spilled))
	}
	for _, ep := range held {
		ep.Done(Outcome{})
	}
	if ep := mustPick(t, b, "hot"); ep != home {
		t.Fatalf("with no load, the hot key went to %s, want its home %s", ep.Addr(), home.Addr())
	} else {
		ep.Done(Outcome{})
	}
}

func TestLoadFactorBelowOneRejected(t *testing.T) {
	for _, c := range []float64{0.5, -1, math.NaN()} {
		if _, err := NewBoundedLoadHash(Options{LoadFactor: c}); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("LoadFactor %v: err = %v, want ErrInvalidOptions", c, err)
		}
	}
}

func weightsByAddr(targets []Target) (map[string]int, int) {
	m := make(map[string]int, len(targets))
	sum := 0
	for _, t := range targets {
		m[t.Addr] = t.Weight
		sum += t.Weight
	}
	return m, sum
}
