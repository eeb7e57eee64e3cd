package broadcast

import (
	"context"
	"slices"
	"testing"
)

func newIntsHub() *Hub[[]int] {
	return New([]int(nil), slices.Equal[[]int], slices.Clone[[]int])
}

func TestSubscribeGetsCurrentThenChanges(t *testing.T) {
	h := newIntsHub()
	h.Publish([]int{1})
	ch := h.Subscribe(t.Context())
	if got := <-ch; !slices.Equal(got, []int{1}) {
		t.Fatalf("first value = %v, want [1]", got)
	}
	if h.Publish([]int{1}) {
		t.Error("Publish of an equal value reported a change")
	}
	h.Publish([]int{1, 2})
	if got := <-ch; !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("second value = %v, want [1 2]", got)
	}
}

func TestSlowSubscriberSeesOnlyTheLatest(t *testing.T) {
	h := newIntsHub()
	ch := h.Subscribe(t.Context())
	<-ch
	for i := range 10 {
		h.Publish([]int{i})
	}
	if got := <-ch; !slices.Equal(got, []int{9}) {
		t.Fatalf("value after 10 publishes = %v, want [9]", got)
	}
	select {
	case v := <-ch:
		t.Fatalf("unexpected extra value %v", v)
	default:
	}
}

func TestSubscribersGetTheirOwnCopy(t *testing.T) {
	h := newIntsHub()
	a, b := h.Subscribe(t.Context()), h.Subscribe(t.Context())
	<-a
	<-b
	h.Publish([]int{7})
	va, vb := <-a, <-b
	va[0] = 99
	if vb[0] != 7 || h.Current()[0] != 7 {
		t.Fatalf("a subscriber's change leaked: other=%v current=%v", vb, h.Current())
	}
}

func TestChannelClosesWithContext(t *testing.T) {
	h := newIntsHub()
	ctx, cancel := context.WithCancel(t.Context())
	ch := h.Subscribe(ctx)
	<-ch
	cancel()
	for range ch { // drains anything published before the close
	}
	h.Publish([]int{1}) // must not panic on the closed channel
	done, stop := context.WithCancel(t.Context())
	stop()
	if _, ok := <-h.Subscribe(done); ok {
		t.Error("Subscribe with a finished context returned an open channel")
	}
}
