package backoff

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestNextDoublesUpToMax(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: 500 * time.Millisecond}
	wantBase := []time.Duration{100, 200, 400, 500, 500}
	for i, base := range wantBase {
		base *= time.Millisecond
		got := b.Next()
		if got < base || got > base+base/5 {
			t.Errorf("retry %d: Next() = %v, want in [%v, %v]", i, got, base, base+base/5)
		}
	}
	b.Reset()
	if got := b.Next(); got > 120*time.Millisecond {
		t.Errorf("after Reset: Next() = %v, want about 100ms", got)
	}
}

func TestWaitStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var b Backoff
		if !b.Wait(ctx) {
			t.Fatal("Wait returned false with a live context")
		}
		cancel()
		start := time.Now()
		if b.Wait(ctx) {
			t.Fatal("Wait returned true after cancel")
		}
		if time.Since(start) != 0 {
			t.Errorf("Wait after cancel took %v of fake time, want 0", time.Since(start))
		}
	})
}
