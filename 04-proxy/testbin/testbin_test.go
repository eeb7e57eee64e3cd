package testbin

import (
	"testing"
)

// recorder is a testing.TB that records how the test was ended instead of ending it.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()                     {}
func (r *recorder) Skipf(string, ...any)        { r.skipped = true }
func (r *recorder) Fatalf(string, ...any)       { r.failed = true }
func (r *recorder) Logf(string, ...any)         {}
func (r *recorder) Cleanup(func())              {}
func (r *recorder) Setenv(key, value string)    {}
func (r *recorder) Errorf(fmt string, a ...any) { r.failed = true }

func TestRequire(t *testing.T) {
	tests := []struct {
		name        string
		ci          string
		program     string
		wantSkipped bool
		wantFailed  bool
	}{
		{"present", "", "sh", false, false},
		{"missing outside CI skips", "", "no-such-program-gatewaylab", true, false},
		{"missing in CI fails", "true", "no-such-program-gatewaylab", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			path := Require(r, tt.program, "apt-get install it")
			if r.skipped != tt.wantSkipped || r.failed != tt.wantFailed {
				t.Errorf("skipped=%v failed=%v, want %v %v", r.skipped, r.failed, tt.wantSkipped, tt.wantFailed)
			}
			if !tt.wantSkipped && !tt.wantFailed && path == "" {
				t.Errorf("Require(%q) returned an empty path", tt.program)
			}
		})
	}
}
