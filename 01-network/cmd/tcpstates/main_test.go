package main

import "testing"

// TestWalk runs the whole demo: every state must be observed in time.
func TestWalk(t *testing.T) {
	if err := run(t.Context()); err != nil {
		t.Fatal(err)
	}
}
