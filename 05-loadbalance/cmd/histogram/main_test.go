package main

import (
	"strings"
	"testing"
)

func TestRunPrintsEverySection(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 900, "4,3,2"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"weighted_round_robin   a b c a b a c b a | a b c a b a c b a",
		"blocky (n mod total)   a a a a b b b c c |",
		"peak_ewma",
		"of keys moved",
		"bound for bounded_hash: ceil(1.25 * 64 / 8) = 10",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		weights string
		want    string
	}{
		{"no picks", 0, "1,1", "-n 0"},
		{"not a number", 10, "1,x", "target 1"},
		{"zero weight", 10, "1,0", "target 1 (b): weight 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := run(&out, tt.n, tt.weights)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
