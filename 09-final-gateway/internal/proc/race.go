//go:build race

package proc

// RaceEnabled reports whether this program was built with -race; the gateway under
// test is then built with it too.
const RaceEnabled = true
