package congestion

import "fmt"

// Simulate runs cfg and returns one Round per round trip.
func Simulate(cfg Config) ([]Round, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	rounds := make([]Round, 0, cfg.Rounds)
	s := sender{alg: cfg.Algorithm, cwnd: cfg.InitialCwnd, ssthresh: cfg.InitialSsthresh}
	for n := 1; n <= cfg.Rounds; n++ {
		r := Round{N: n, Cwnd: s.cwnd, Ssthresh: s.ssthresh, Phase: s.phase(), Loss: cfg.Losses[n]}
		rounds = append(rounds, r)
		s.endRound(r.Loss)
	}
	return rounds, nil
}

// sender is the congestion state between rounds.
type sender struct {
	alg        Algorithm
	cwnd       int
	ssthresh   int
	inRecovery bool // the coming round is Reno's fast recovery
}

func (s *sender) phase() Phase {
	switch {
	case s.inRecovery:
		return FastRecovery
	case s.cwnd < s.ssthresh:
		return SlowStart
	default:
		return CongestionAvoidance
	}
}

// endRound applies what the sender learned at the end of a round.
func (s *sender) endRound(loss Loss) {
	s.inRecovery = false
	switch {
	case loss == NoLoss:
		s.grow()
	case loss == TripleDupAck && s.alg == Reno:
		// Fast retransmit, then fast recovery (RFC 5681 3.2): halve, and go on
		// from the halved window instead of restarting from 1.
		s.ssthresh = max(s.cwnd/2, minSsthresh)
		s.cwnd = s.ssthresh
		s.inRecovery = true
	default:
		// A timeout, or Tahoe after its fast retransmit: restart slow start.
		s.ssthresh = max(s.cwnd/2, minSsthresh)
		s.cwnd = 1
	}
}

// grow is the window growth after a round without loss.
func (s *sender) grow() {
	if s.cwnd < s.ssthresh {
		// Slow start doubles per round trip, but not past ssthresh: the round
		// that would overshoot stops at the threshold (1, 2, 4, 8, 12, ...).
		s.cwnd = min(2*s.cwnd, s.ssthresh)
		return
	}
	s.cwnd++ // congestion avoidance: additive increase
}

func (c Config) withDefaults() (Config, error) {
	if c.InitialCwnd == 0 {
		c.InitialCwnd = 1
	}
	if c.InitialSsthresh == 0 {
		c.InitialSsthresh = 16
	}
	switch {
	case c.Algorithm != Tahoe && c.Algorithm != Reno:
		return c, fmt.Errorf("%w: algorithm %v", ErrInvalidConfig, c.Algorithm)
	case c.Rounds < 1 || c.Rounds > MaxRounds:
		return c, fmt.Errorf("%w: rounds %d not in 1..%d", ErrInvalidConfig, c.Rounds, MaxRounds)
	case c.InitialCwnd < 1 || c.InitialCwnd > MaxWindow:
		return c, fmt.Errorf("%w: initial cwnd %d not in 1..%d", ErrInvalidConfig, c.InitialCwnd, MaxWindow)
	case c.InitialSsthresh < minSsthresh || c.InitialSsthresh > MaxWindow:
		return c, fmt.Errorf("%w: initial ssthresh %d not in %d..%d", ErrInvalidConfig, c.InitialSsthresh, minSsthresh, MaxWindow)
	}
	for n, l := range c.Losses {
		if n < 1 || n > c.Rounds || l < NoLoss || l > Timeout {
			return c, fmt.Errorf("%w: loss %v at round %d", ErrInvalidConfig, l, n)
		}
	}
	return c, nil
}
