package concurrency_test

import (
	"fmt"

	"gatewaylab/07-middleware/concurrency"
)

// The Limiter works without HTTP: two slots, the third caller is refused until one
// returns.
func ExampleLimiter() {
	l, err := concurrency.NewLimiter(2)
	if err != nil {
		panic(err)
	}
	fmt.Println(l.TryAcquire(), l.TryAcquire(), l.TryAcquire())
	l.Release()
	fmt.Println(l.TryAcquire(), l.InFlight())
	// Output:
	// true true false
	// true 2
}
