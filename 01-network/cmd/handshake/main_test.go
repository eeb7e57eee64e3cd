package main

import "testing"

func TestReplayShippedCapture(t *testing.T) {
	if err := replay(""); err != nil {
		t.Fatal(err)
	}
}

func TestTalk(t *testing.T) {
	if err := talk(t.Context(), "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
}
