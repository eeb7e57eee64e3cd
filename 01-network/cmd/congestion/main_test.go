package main

import (
	"testing"

	"gatewaylab/01-network/congestion"
)

func TestRun(t *testing.T) {
	if err := run(16, 30, map[int]congestion.Loss{13: congestion.TripleDupAck, 24: congestion.Timeout}); err != nil {
		t.Fatal(err)
	}
	if err := run(16, 30, map[int]congestion.Loss{31: congestion.Timeout}); err == nil {
		t.Error("run with a loss after the last round succeeded; want an error")
	}
}
