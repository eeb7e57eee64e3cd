package main

import (
	"strings"
	"testing"
	"time"
)

// TestScript plays the whole script with short phases and checks that every mechanism
// showed itself: the crash caught by probes and by the lease, the restart rediscovered,
// the failing backend ejected, and the graceful stop costing no request.
func TestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a 12 s script")
	}
	var out strings.Builder // written under the printer's lock; read after run has stopped every writer
	o := options{addr: "127.0.0.1:0", policy: "round_robin", phase: time.Second, ttl: 2 * time.Second}
	if err := run(t.Context(), o, newPrinter(&out)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	phases := strings.Split(text, "\n== ")
	if len(phases) != 7 {
		t.Fatalf("%d phases in the output, want 6:\n%s", len(phases)-1, text)
	}
	checks := []struct {
		phase int
		want  string
	}{
		{0, "balancer: routing to [1 2 3]"},
		{1, "failed: none"},
		{2, "active probe: backend 2 healthy -> unhealthy: connection refused"},
		{2, "registry: demo [1 3]"}, // the lease expired
		{3, "registry: demo [1 2 3]"},
		{3, "active probe: backend 2 pending -> healthy"},
		{4, "passive check: backend 3 ejected"},
		{4, "balancer: routing to [1 2]"},
		{6, "registry: demo [2 3]"},
		{6, "failed: none"},
		{6, "Try next:"},
	}
	for _, c := range checks {
		if !strings.Contains(phases[c.phase], c.want) {
			t.Errorf("phase %d lacks %q:\n%s", c.phase, c.want, phases[c.phase])
		}
	}
	if t.Failed() {
		t.Logf("whole output:\n%s", text)
	}
}

// TestTryNext checks that the suggested -hold command and the curl URLs name the same
// address, and that a random port (dead once the run ends) is replaced by a fixed one.
func TestTryNext(t *testing.T) {
	tests := []struct {
		name, addr, proxyURL string
		want                 []string
	}{
		{"random port", "127.0.0.1:0", "http://127.0.0.1:44461", []string{
			"-hold -addr 127.0.0.1:18080\n", "curl -s http://127.0.0.1:18080/\n", "curl -s http://127.0.0.1:18080/_discovery\n"}},
		{"fixed port", "127.0.0.1:9000", "http://127.0.0.1:9000", []string{
			"-hold -addr 127.0.0.1:9000\n", "curl -s http://127.0.0.1:9000/\n", "curl -s http://127.0.0.1:9000/_discovery\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tryNext(tt.addr, tt.proxyURL)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("tryNext(%q, %q) lacks %q:\n%s", tt.addr, tt.proxyURL, w, got)
				}
			}
			if tt.addr == "127.0.0.1:0" && strings.Contains(got, "44461") {
				t.Errorf("tryNext suggests the dead random port:\n%s", got)
			}
		})
	}
}
