package backoff_test

import (
	"fmt"
	"time"

	"gatewaylab/06-discovery/internal/backoff"
)

// Delays double from Min up to Max, each with up to 20% random jitter on top.
func ExampleBackoff() {
	b := backoff.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for _, base := range []time.Duration{100, 200, 400, 800, 1000} {
		base *= time.Millisecond
		d := b.Next()
		fmt.Println(base, d >= base && d <= base+base/5)
	}
	// Output:
	// 100ms true
	// 200ms true
	// 400ms true
	// 800ms true
	// 1s true
}
