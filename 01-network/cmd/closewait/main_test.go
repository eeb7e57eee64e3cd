package main

import "testing"

// TestScript runs the scripted comparison end to end.
func TestScript(t *testing.T) {
	if err := script(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
}
