package balancer

import (
	"strings"
	"testing"
)

func TestExactSequences(t *testing.T) {
	tests := []struct {
		name    string
		b       Balancer
		targets []Target
		want    string
	}{
		{"round robin", NewRoundRobin(Options{}), weighted(1, 1, 1), "a b c a b c a b c"},
		{"round robin ignores weights", NewRoundRobin(Options{}), weighted(4, 3, 2), "a b c a b c a b c"},
		{"smooth 4,3,2", NewSmoothWeighted(Options{}), weighted(4, 3, 2), "a b c a b a c b a"},
		{"smooth 5,1,1", NewSmoothWeighted(Options{}), weighted(5, 1, 1), "a a b a c a a"},
		{"smooth scales weights down by their gcd", NewSmoothWeighted(Options{}), weighted(40, 30, 20), "a b c a b a c b a"},
		{"smooth live path", newSmoothWeighted(Options{}, 0), weighted(4, 3, 2), "a b c a b a c b a"},
		{"blocky 4,3,2", NewBlockyWeighted(Options{}), weighted(4, 3, 2), "a a a a b b b c c"},
		{"blocky 5,1,1", NewBlockyWeighted(Options{}), weighted(5, 1, 1), "a a a a a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustUpdate(t, tt.b, tt.targets)
			n := len(strings.Fields(tt.want))
			cycle := sequence(t, tt.b, n)
			if cycle != tt.want {
				t.Fatalf("first cycle = %q, want %q", cycle, tt.want)
			}
			if again := sequence(t, tt.b, n); again != tt.want {
				t.Fatalf("second cycle = %q, want it to repeat %q", again, tt.want)
			}
		})
	}
}

// TestSmoothScheduleMatchesLive checks the precomputed cycle against the live
// algorithm over sets large enough to be interesting.
func TestSmoothScheduleMatchesLive(t *testing.T) {
	targets := append(weighted(7, 1, 13, 2), numbered(20)...)
	targets[6].Weight = 9
	scheduled := NewSmoothWeighted(Options{})
	live := newSmoothWeighted(Options{}, 0)
	for _, b := range []*SmoothWeighted{scheduled, live} {
		mustUpdate(t, b, targets)
	}
	if s, _ := scheduled.core.load(); s.schedule == nil {
		t.Fatal("scheduled balancer did not precompute its cycle")
	}
	if s, _ := live.core.load(); s.schedule != nil {
		t.Fatal("live balancer precomputed its cycle despite a zero budget")
	}
	const n = 3 * (7 + 1 + 13 + 2 + 9 + 19) // three full cycles
	if got, want := sequence(t, scheduled, n), sequence(t, live, n); got != want {
		t.Fatalf("scheduled sequence differs from live:\n%s\n%s", got, want)
	}
}

// TestSmoothIsSmooth checks what makes smooth WRR worth having: in every window of the
// cycle, each target's picks stay within one of its exact share, so no target gets a
// burst. The blocky version fails this.
func TestSmoothIsSmooth(t *testing.T) {
	targets := weighted(5, 3, 1, 1)
	tests := []struct {
		name       string
		b          Balancer
		wantSmooth bool
	}{
		{"smooth", NewSmoothWeighted(Options{}), true},
		{"blocky", NewBlockyWeighted(Options{}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustUpdate(t, tt.b, targets)
			picks := strings.Fields(sequence(t, tt.b, 10))
			worst := worstWindowError(picks, targets)
			if smooth := worst <= 1.0; smooth != tt.wantSmooth {
				t.Fatalf("worst deviation from the exact share in a window = %.2f picks; smooth = %v, want %v (%v)",
					worst, smooth, tt.wantSmooth, picks)
			}
		})
	}
}

// worstWindowError returns, over every prefix of picks, the largest gap between how
// often a target was picked and its exact share of that many picks.
func worstWindowError(picks []string, targets []Target) float64 {
	var sum int
	for _, t := range targets {
		sum += t.Weight
	}
	seen := make(map[string]int)
	var worst float64
	for n, p := range picks {
		seen[p]++
		for _, t := range targets {
			exact := float64((n+1)*t.Weight) / float64(sum)
			worst = max(worst, abs(float64(seen[t.Addr])-exact))
		}
	}
	return worst
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
