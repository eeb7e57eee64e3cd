package health

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// State is what the checker believes about a target.
type State uint8

const (
	// Pending means no probe has finished yet (a new target with Initial
	// InitialPending). The first probe decides: pass is Healthy, fail is Unhealthy.
	Pending State = iota
	// Healthy targets receive traffic.
	Healthy
	// Unhealthy targets receive none (unless the discovery observer is in panic mode).
	Unhealthy
)

var stateNames = [...]string{Pending: "pending", Healthy: "healthy", Unhealthy: "unhealthy"}

// String returns "pending", "healthy" or "unhealthy".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// MarshalText makes states readable in JSON (admin API).
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Status is one target's health, for an admin API or a log line.
type Status struct {
	Addr  string `json:"addr"`
	State State  `json:"state"`
	// ConsecutivePasses and ConsecutiveFailures count the current run of results; one
	// of them is always zero.
	ConsecutivePasses   int `json:"consecutive_passes"`
	ConsecutiveFailures int `json:"consecutive_failures"`
	// LastError is the error of the most recent failed probe ("" if none failed yet),
	// LastFailure when it happened.
	LastError   string    `json:"last_error,omitempty"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	// LastProbe is when the most recent probe finished; zero before the first.
	LastProbe time.Time `json:"last_probe,omitzero"`
	// Since is when the target entered its current state (or was added).
	Since time.Time `json:"since"`
}

// Change is one state transition, reported to Config.OnChange.
type Change struct {
	Addr     string
	From, To State
	// Err is the probe error that caused the change, nil when a pass did.
	Err error
	At  time.Time
}

// States maps every target's address to its state. Subscribers receive their own copy.
type States map[string]State

// Healthy returns the healthy addresses, sorted.
func (s States) Healthy() []string { return s.With(Healthy) }

// With returns the addresses in state st, sorted.
func (s States) With(st State) []string {
	var addrs []string
	for addr, v := range s {
		if v == st {
			addrs = append(addrs, addr)
		}
	}
	slices.Sort(addrs)
	return addrs
}

func (s States) clone() States { return maps.Clone(s) }
