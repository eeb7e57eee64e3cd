//go:build !race

package gateway_test

// raceEnabled: the tests run without -race.
const raceEnabled = false
