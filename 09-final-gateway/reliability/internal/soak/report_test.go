package soak

import (
	"strings"
	"testing"
	"time"
)

func healthy() *Report {
	return &Report{Config: Config{Warmup: time.Second, ReloadEvery: time.Second}, Elapsed: 10 * time.Second,
		Warm: Reading{Goroutines: 50, RSS: 100 << 20}, End: Reading{Goroutines: 56, RSS: 105 << 20},
		ValidWrites: 8, InvalidWrites: 2, Reloads: 8, Refused: 2, HTTP: 1, WS: 1, GRPC: 1, TCP: 1,
		Samples: []Sample{{At: 5 * time.Second, HTTP: 1, WS: 1, GRPC: 1, TCP: 1}}}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Report)
		want   string // "" for a pass
	}{
		{"healthy", func(*Report) {}, ""},
		{"errors", func(r *Report) { r.Errors, r.ErrorDetail = 3, "http: error=3" }, "3 unexpected errors"},
		{"goroutine leak", func(r *Report) { r.End.Goroutines = 70 }, "goroutines grew by 20"},
		{"memory growth", func(r *Report) { r.End.RSS = 111 << 20 }, "resident memory grew by 11.0%"},
		{"reload missing", func(r *Report) { r.Reloads = 5 }, "reloads: 5 applied"},
		{"no gRPC", func(r *Report) { r.GRPC = 0 }, "never succeeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := healthy()
			tc.change(r)
			err := r.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Check() = %v, want a pass", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Check() = %v, want it to say %q", err, tc.want)
			}
			if verdict := strings.Contains(r.Table(), "| verdict | PASS |"); verdict != (err == nil) {
				t.Fatalf("the table's verdict disagrees with Check (%v)", err)
			}
		})
	}
}
