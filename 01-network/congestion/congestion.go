package congestion

import (
	"errors"
	"fmt"
)

// Algorithm selects how the sender reacts to three duplicate ACKs.
type Algorithm int

// The algorithms. The zero Algorithm is invalid.
const (
	Tahoe Algorithm = iota + 1 // any loss: cwnd = 1, slow start
	Reno                       // three duplicate ACKs: fast recovery to the halved window
)

func (a Algorithm) String() string {
	switch a {
	case Tahoe:
		return "Tahoe"
	case Reno:
		return "Reno"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Loss is how the sender learned that a segment of a round was lost.
type Loss int

// The loss signals.
const (
	NoLoss       Loss = iota
	TripleDupAck      // three duplicate ACKs: later segments arrived, one did not
	Timeout           // the retransmission timer expired: nothing is getting through
)

func (l Loss) String() string {
	switch l {
	case NoLoss:
		return ""
	case TripleDupAck:
		return "3 dup ACKs"
	case Timeout:
		return "timeout"
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// Phase is the state the sender was in during a round.
type Phase int

// The phases.
const (
	SlowStart           Phase = iota + 1 // cwnd < ssthresh: cwnd doubles per round trip
	CongestionAvoidance                  // cwnd >= ssthresh: cwnd grows by 1 per round trip
	FastRecovery                         // Reno, the round after 3 dup ACKs: cwnd = ssthresh
)

func (p Phase) String() string {
	switch p {
	case SlowStart:
		return "slow start"
	case CongestionAvoidance:
		return "congestion avoidance"
	case FastRecovery:
		return "fast recovery"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Round is one round trip of the simulation.
type Round struct {
	N        int // 1-based round number
	Cwnd     int // segments the sender may have in flight this round
	Ssthresh int // slow-start threshold during this round
	Phase    Phase
	Loss     Loss // loss detected at the end of this round
}

// Config describes a simulation.
type Config struct {
	Algorithm Algorithm
	// InitialCwnd is cwnd in round 1, in segments, at most MaxWindow.
	// Zero means 1, the classic value (RFC 5681 allows up to 4, RFC 6928 10).
	InitialCwnd int
	// InitialSsthresh is the first slow-start threshold, 2 to MaxWindow.
	// Zero means 16.
	InitialSsthresh int
	// Rounds is how many round trips to simulate, 1 to MaxRounds.
	Rounds int
	// Losses maps a round number to the loss detected at its end.
	Losses map[int]Loss
}

// MaxRounds bounds Config.Rounds.
const MaxRounds = 10_000

// MaxWindow bounds InitialCwnd and InitialSsthresh, in segments, so the
// window arithmetic cannot overflow.
const MaxWindow = 1 << 20

// minSsthresh is the floor RFC 5681 sets for ssthresh after a loss: 2 segments.
const minSsthresh = 2

// ErrInvalidConfig reports a Config that cannot be simulated.
var ErrInvalidConfig = errors.New("invalid congestion config")

// Classic returns the textbook scenario for alg: ssthresh 16, slow start
// from 1, three duplicate ACKs when cwnd reaches 24 (round 13) and a
// timeout at round 24, over 30 round trips.
func Classic(alg Algorithm) Config {
	return Config{
		Algorithm:       alg,
		InitialCwnd:     1,
		InitialSsthresh: 16,
		Rounds:          30,
		Losses:          map[int]Loss{13: TripleDupAck, 24: Timeout},
	}
}
