package netx

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestEarliest(t *testing.T) {
	now := time.Now()
	later := now.Add(time.Second)
	tests := []struct {
		name string
		a, b time.Time
		want time.Time
	}{
		{name: "both none", want: time.Time{}},
		{name: "only a", a: now, want: now},
		{name: "only b", b: now, want: now},
		{name: "a first", a: now, b: later, want: now},
		{name: "b first", a: later, b: now, want: now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Earliest(tt.a, tt.b); !got.Equal(tt.want) {
				t.Errorf("Earliest(%v, %v) = %v; want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestDeadlineAndContextErr(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if got, want := Deadline(ctx, time.Minute), time.Now().Add(time.Second); !got.Equal(want) {
			t.Errorf("Deadline with an earlier ctx deadline = %v; want %v", got, want)
		}
		if got, want := Deadline(ctx, time.Millisecond), time.Now().Add(time.Millisecond); !got.Equal(want) {
			t.Errorf("Deadline with a shorter timeout = %v; want %v", got, want)
		}
		if err := ContextErr(ctx); err != nil {
			t.Errorf("ContextErr before the deadline = %v; want nil", err)
		}
		time.Sleep(time.Second)
		if err := ContextErr(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ContextErr at the deadline = %v; want DeadlineExceeded", err)
		}
	})
}

func TestSetting(t *testing.T) {
	tests := []struct {
		name   string
		v, def time.Duration
		want   time.Duration
	}{
		{"zero takes the default", 0, time.Second, time.Second},
		{"negative means no limit", -1, time.Second, 0},
		{"explicit value kept", time.Minute, time.Second, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Setting(tt.v, tt.def); got != tt.want {
				t.Errorf("Setting(%v, %v) = %v; want %v", tt.v, tt.def, got, tt.want)
			}
		})
	}
	if got := Setting(0, 100); got != 100 {
		t.Errorf("Setting(0, 100) = %d; want 100", got)
	}
}
