package main

import "testing"

// TestTour runs the scripted tour: it fails if the WebSocket accept value
// does not match or any exchange breaks.
func TestTour(t *testing.T) {
	if err := run(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
}
