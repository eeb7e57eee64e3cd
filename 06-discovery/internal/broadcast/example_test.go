package broadcast_test

import (
	"context"
	"fmt"
	"slices"

	"gatewaylab/06-discovery/internal/broadcast"
)

// A subscriber gets the current value at once and then only the latest of the values
// published while it was not reading.
func ExampleHub() {
	hub := broadcast.New([]string{"a"}, slices.Equal[[]string], slices.Clone[[]string])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := hub.Subscribe(ctx)
	fmt.Println(<-updates)
	hub.Publish([]string{"a", "b"})
	hub.Publish([]string{"b"})
	fmt.Println(hub.Publish([]string{"b"})) // no change, nothing sent
	fmt.Println(<-updates)
	// Output:
	// [a]
	// false
	// [b]
}
