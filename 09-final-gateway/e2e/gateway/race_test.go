//go:build race

package gateway_test

// raceEnabled: the tests run with -race, so the gateway is built with it too.
const raceEnabled = true
