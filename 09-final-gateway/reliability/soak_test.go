package reliability_test

import (
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/soak"
)

// TestSoak is cmd/soak shortened for CI: 20 seconds of mixed HTTP, WebSocket, gRPC and
// TCP load with a reload every second (one in five invalid), paced to leave the other
// packages' tests some CPU. Zero unexpected errors, goroutines and resident memory
// flat between the quiet points after the warm-up and at the end.
//
// It soaks a gateway built without the race detector even when the tests run with it:
// the detector's own memory grows with every allocation it watches, so a race-enabled
// gateway's RSS measures the detector, not the gateway. (The other tests run the
// race-enabled build under load.)
func TestSoak(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin, err := proc.Build(t.Context(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	r, err := soak.Run(t.Context(), soak.Config{Bin: bin, Dir: dir, Duration: 20 * time.Second,
		ReloadEvery: time.Second, Warmup: 4 * time.Second, Every: 10 * time.Millisecond, Log: &log})
	if r != nil {
		t.Logf("\n%s", r.Table())
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if err := r.Check(); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
}
