package track_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/08-grpc-ws/internal/track"
)

// fakeConn ends when asked to go away, after answerIn (like a peer replying to a close
// frame), unless deaf; it counts what was done to it.
type fakeConn struct {
	tr       *track.Tracker
	answerIn time.Duration
	deaf     bool
	goAways  atomic.Int32
	closes   atomic.Int32
	ended    atomic.Bool
}

func (c *fakeConn) GoAway() {
	c.goAways.Add(1)
	if !c.deaf {
		time.AfterFunc(c.answerIn, c.end)
	}
}

func (c *fakeConn) Close() error {
	c.closes.Add(1)
	c.end()
	return nil
}

func (c *fakeConn) end() {
	if c.ended.CompareAndSwap(false, true) {
		c.tr.Remove(c)
	}
}

func add(t *testing.T, tr *track.Tracker, c *fakeConn) *fakeConn {
	t.Helper()
	c.tr = tr
	if !tr.Add(c) {
		t.Fatal("Add refused before Shutdown")
	}
	return c
}

func TestShutdown(t *testing.T) {
	tests := []struct {
		name        string
		grace       time.Duration
		limit       time.Duration // ctx timeout
		answerIn    time.Duration
		deaf        bool
		endsAlone   time.Duration // > 0: the conn ends by itself after this long
		wantErr     error
		wantGoAways int32
		wantCloses  int32
		wantTook    time.Duration
	}{
		{"polite peer answers the close frame", time.Second, time.Minute,
			100 * time.Millisecond, false, 0, nil, 1, 0, 1100 * time.Millisecond},
		{"connection ending during grace gets no close frame", time.Second, time.Minute,
			0, false, 300 * time.Millisecond, nil, 0, 0, 300 * time.Millisecond},
		{"deaf peer is cut when the context ends", 0, 2 * time.Second,
			0, true, 0, context.DeadlineExceeded, 1, 1, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var tr track.Tracker
				c := add(t, &tr, &fakeConn{answerIn: tt.answerIn, deaf: tt.deaf})
				if tt.endsAlone > 0 {
					time.AfterFunc(tt.endsAlone, c.end)
				}
				ctx, cancel := context.WithTimeout(t.Context(), tt.limit)
				defer cancel()
				start := time.Now()
				err := tr.Shutdown(ctx, tt.grace)
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Shutdown = %v, want %v", err, tt.wantErr)
				}
				if took := time.Since(start); took != tt.wantTook {
					t.Errorf("Shutdown took %v, want %v", took, tt.wantTook)
				}
				if g, cl := c.goAways.Load(), c.closes.Load(); g != tt.wantGoAways || cl != tt.wantCloses {
					t.Errorf("GoAway %d times, Close %d times; want %d and %d", g, cl, tt.wantGoAways, tt.wantCloses)
				}
				if tr.Len() != 0 {
					t.Errorf("%d connections still tracked", tr.Len())
				}
			})
		})
	}
}

func TestAddAfterShutdownRefused(t *testing.T) {
	var tr track.Tracker
	if err := tr.Shutdown(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	if tr.Add(&fakeConn{tr: &tr}) {
		t.Error("Add accepted a connection after Shutdown")
	}
}
