package main

import (
	"testing"
	"time"
)

// TestDemo runs the demo with small buffers: it must stall and then deliver
// every byte (run fails on a digest mismatch).
func TestDemo(t *testing.T) {
	o := options{sndbuf: 16 << 10, rcvbuf: 16 << 10, stall: 100 * time.Millisecond, more: 1 << 20}
	if err := run(t.Context(), o); err != nil {
		t.Fatal(err)
	}
}
