package congestion_test

import (
	"errors"
	"slices"
	"testing"

	"gatewaylab/01-network/congestion"
)

func cwnds(rounds []congestion.Round) []int {
	return column(rounds, func(r congestion.Round) int { return r.Cwnd })
}

func ssthreshes(rounds []congestion.Round) []int {
	return column(rounds, func(r congestion.Round) int { return r.Ssthresh })
}

func column(rounds []congestion.Round, field func(congestion.Round) int) []int {
	out := make([]int, len(rounds))
	for i, r := range rounds {
		out[i] = field(r)
	}
	return out
}

func simulate(t testing.TB, cfg congestion.Config) []congestion.Round {
	t.Helper()
	rounds, err := congestion.Simulate(cfg)
	if err != nil {
		t.Fatalf("Simulate(%+v): %v", cfg, err)
	}
	return rounds
}

func TestClassicScenario(t *testing.T) {
	tests := []struct {
		alg          congestion.Algorithm
		wantCwnd     []int
		wantSsthresh []int
	}{
		{
			alg: congestion.Tahoe,
			// Slow start to 16, +1 to 24, 3 dup ACKs: straight down to 1 and slow
			// start again, capped at the new ssthresh 12; timeout at 18: 1 again.
			wantCwnd: []int{1, 2, 4, 8, 16, 17, 18, 19, 20, 21, 22, 23, 24,
				1, 2, 4, 8, 12, 13, 14, 15, 16, 17, 18,
				1, 2, 4, 8, 9, 10},
			wantSsthresh: []int{16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
				12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
				9, 9, 9, 9, 9, 9},
		},
		{
			alg: congestion.Reno,
			// Same start; 3 dup ACKs at 24: fast recovery to 12, then +1 per round;
			// the timeout at 22 sends Reno to 1 as well.
			wantCwnd: []int{1, 2, 4, 8, 16, 17, 18, 19, 20, 21, 22, 23, 24,
				12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
				1, 2, 4, 8, 11, 12},
			wantSsthresh: []int{16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
				12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
				11, 11, 11, 11, 11, 11},
		},
	}
	for _, tt := range tests {
		t.Run(tt.alg.String(), func(t *testing.T) {
			rounds := simulate(t, congestion.Classic(tt.alg))
			if got := cwnds(rounds); !slices.Equal(got, tt.wantCwnd) {
				t.Errorf("cwnd =\n %v\nwant\n %v", got, tt.wantCwnd)
			}
			if got := ssthreshes(rounds); !slices.Equal(got, tt.wantSsthresh) {
				t.Errorf("ssthresh =\n %v\nwant\n %v", got, tt.wantSsthresh)
			}
		})
	}
}

func TestPhases(t *testing.T) {
	tests := []struct {
		alg   congestion.Algorithm
		round int
		want  congestion.Phase
	}{
		{congestion.Reno, 1, congestion.SlowStart},
		{congestion.Reno, 5, congestion.CongestionAvoidance}, // cwnd 16 = ssthresh
		{congestion.Reno, 14, congestion.FastRecovery},       // the round after 3 dup ACKs
		{congestion.Reno, 15, congestion.CongestionAvoidance},
		{congestion.Reno, 25, congestion.SlowStart}, // after the timeout
		{congestion.Tahoe, 14, congestion.SlowStart},
		{congestion.Tahoe, 18, congestion.CongestionAvoidance}, // slow start stopped at ssthresh 12
	}
	for _, tt := range tests {
		t.Run(tt.alg.String()+"/"+tt.want.String(), func(t *testing.T) {
			r := simulate(t, congestion.Classic(tt.alg))[tt.round-1]
			if r.Phase != tt.want {
				t.Errorf("round %d phase = %v; want %v", tt.round, r.Phase, tt.want)
			}
		})
	}
}

func TestLossesAreRecordedOnTheirRound(t *testing.T) {
	rounds := simulate(t, congestion.Classic(congestion.Reno))
	for _, r := range rounds {
		want := congestion.Classic(congestion.Reno).Losses[r.N]
		if r.Loss != want {
			t.Errorf("round %d loss = %v; want %v", r.N, r.Loss, want)
		}
	}
}

func TestSsthreshFloor(t *testing.T) {
	// RFC 5681: ssthresh = max(FlightSize/2, 2*SMSS), even from a tiny window.
	rounds := simulate(t, congestion.Config{
		Algorithm: congestion.Reno, InitialCwnd: 3, InitialSsthresh: 8, Rounds: 3,
		Losses: map[int]congestion.Loss{1: congestion.TripleDupAck, 2: congestion.Timeout},
	})
	if got, want := cwnds(rounds), []int{3, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("cwnd = %v; want %v", got, want)
	}
	if got, want := ssthreshes(rounds), []int{8, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("ssthresh = %v; want %v", got, want)
	}
}

func TestDefaults(t *testing.T) {
	rounds := simulate(t, congestion.Config{Algorithm: congestion.Tahoe, Rounds: 6})
	if got, want := cwnds(rounds), []int{1, 2, 4, 8, 16, 17}; !slices.Equal(got, want) {
		t.Errorf("cwnd with defaults = %v; want %v", got, want)
	}
}

func TestInvalidConfig(t *testing.T) {
	valid := congestion.Classic(congestion.Reno)
	tests := []struct {
		name   string
		mutate func(*congestion.Config)
	}{
		{"no algorithm", func(c *congestion.Config) { c.Algorithm = 0 }},
		{"zero rounds", func(c *congestion.Config) { c.Rounds = 0 }},
		{"too many rounds", func(c *congestion.Config) { c.Rounds = congestion.MaxRounds + 1 }},
		{"negative cwnd", func(c *congestion.Config) { c.InitialCwnd = -1 }},
		{"huge cwnd", func(c *congestion.Config) { c.InitialCwnd = congestion.MaxWindow + 1 }},
		{"ssthresh below 2", func(c *congestion.Config) { c.InitialSsthresh = 1 }},
		{"loss before round 1", func(c *congestion.Config) { c.Losses = map[int]congestion.Loss{0: congestion.Timeout} }},
		{"loss after the last round", func(c *congestion.Config) { c.Losses = map[int]congestion.Loss{31: congestion.Timeout} }},
		{"unknown loss", func(c *congestion.Config) { c.Losses = map[int]congestion.Loss{3: 7} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.mutate(&cfg)
			if _, err := congestion.Simulate(cfg); !errors.Is(err, congestion.ErrInvalidConfig) {
				t.Errorf("Simulate = %v; want ErrInvalidConfig", err)
			}
		})
	}
}

func BenchmarkSimulate(b *testing.B) {
	cfg := congestion.Classic(congestion.Reno)
	for b.Loop() {
		if _, err := congestion.Simulate(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
